package io.sipwake.server;

import io.sipwake.server.config.ConfigLoader;
import io.sipwake.sip.transport.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A sipwake started in-process on 127.0.0.1 for a test, on free ports, with its SQLite file in a
 * temporary directory. Users alice, bob and carol (password "secret") may register; MD5 is offered
 * first because SIPp and sipsak only compute MD5 answers.
 */
public final class TestServer implements AutoCloseable {
    public static final String PASSWORD = "secret";

    private final SipwakeServer server;
    private final Path dir;
    private final String yaml;

    private TestServer(SipwakeServer server, Path dir, String yaml) {
        this.server = server;
        this.dir = dir;
        this.yaml = yaml;
    }

    /** Starts with UDP and TCP on one free port, plus whatever {@code extraSipYaml} adds under {@code sip:}. */
    public static TestServer start(Path dir) {
        return start(dir, "", "");
    }

    /**
     * @param extraListeners YAML list items to add to {@code sip.listen}, e.g. {@code "    - {transport: ws, port: 0}\n"}
     * @param extraSipYaml   further keys under {@code sip:}, indented by two spaces
     */
    public static TestServer start(Path dir, String extraListeners, String extraSipYaml) {
        return start(dir, extraListeners, extraSipYaml, "");
    }

    /** @param extraTopLevelYaml further sections, e.g. a {@code push:} section */
    public static TestServer start(Path dir, String extraListeners, String extraSipYaml, String extraTopLevelYaml) {
        int port = io.sipwake.testing.FreePorts.udpAndTcp(); // below 10000: sipsak cuts longer ports
        String yaml = "sip:\n"
                + "  address: 127.0.0.1\n"
                + "  resolve-names: false\n" // tests never send DNS queries off the machine
                + "  listen:\n"
                + "    - {transport: udp, port: " + port + "}\n"
                + "    - {transport: tcp, port: " + port + "}\n"
                + extraListeners
                + extraSipYaml
                + "registrar:\n"
                + "  digest-algorithms: [MD5, SHA-256]\n"
                + "  min-expires: 1\n"
                + "  users:\n"
                + "    - {username: alice, password: " + PASSWORD + "}\n"
                + "    - {username: bob, password: " + PASSWORD + "}\n"
                + "    - {username: carol, password: " + PASSWORD + "}\n"
                + extraTopLevelYaml
                + "store:\n"
                + "  data-dir: " + dir.resolve("data") + "\n";
        return startWith(dir, yaml);
    }

    /** Starts with a complete configuration text. */
    public static TestServer startWith(Path dir, String yaml) {
        try {
            Path config = dir.resolve("sipwake.yaml");
            Files.writeString(config, yaml);
            return new TestServer(SipwakeServer.start(ConfigLoader.load(config)), dir, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public SipwakeServer server() {
        return server;
    }

    public int port() {
        return server.port(Transport.UDP) > 0 ? server.port(Transport.UDP) : server.port(Transport.TCP);
    }

    public int port(Transport t) {
        return server.port(t);
    }

    public Path dataDir() {
        return dir.resolve("data");
    }

    /** Stops this server and starts a new one with the same configuration: same ports, same database. */
    public TestServer restart() {
        close();
        return startWith(dir, yaml);
    }

    @Override
    public void close() {
        server.close();
    }
}
