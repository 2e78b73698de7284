package io.sipwake.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Version and build, filled in by Maven resource filtering at build time. */
public final class Version {
    private static final Properties PROPERTIES = new Properties();

    static {
        try (InputStream in = Version.class.getResourceAsStream("/sipwake-version.properties")) {
            if (in != null) PROPERTIES.load(in);
        } catch (IOException ignored) {
            // the defaults below apply
        }
    }

    private Version() {}

    public static String version() {
        return PROPERTIES.getProperty("version", "dev");
    }

    public static String build() {
        return PROPERTIES.getProperty("build", "unknown");
    }
}
