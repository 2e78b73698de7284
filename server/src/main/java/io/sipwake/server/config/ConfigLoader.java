package io.sipwake.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads and validates the YAML configuration. Errors name the key path ({@code sip.listen[1].port})
 * and what is wrong with it; sipwake refuses to start on any of them.
 */
public final class ConfigLoader {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final Set<String> TRANSPORTS = Set.of("udp", "tcp", "tls", "ws", "wss");

    private ConfigLoader() {}

    public static SipwakeConfig load(Path file) {
        if (file == null) return validate(SipwakeConfig.defaults());
        if (!Files.isRegularFile(file)) throw new ConfigException("config file " + file + " does not exist or is not a file");
        try {
            String text = Files.readString(file);
            SipwakeConfig config = text.isBlank() ? SipwakeConfig.defaults() : mapper().readValue(text, SipwakeConfig.class);
            return validate(config == null ? SipwakeConfig.defaults() : config);
        } catch (JsonMappingException e) {
            throw new ConfigException(file + ": " + describe(e), e);
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ": not valid YAML: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
    }

    static ObjectMapper mapper() {
        SimpleModule durations = new SimpleModule();
        durations.addDeserializer(Duration.class, new StdScalarDeserializer<Duration>(Duration.class) {
            private static final long serialVersionUID = 1L;

            @Override
            public Duration deserialize(com.fasterxml.jackson.core.JsonParser p, com.fasterxml.jackson.databind.DeserializationContext ctxt)
                    throws IOException {
                return parseDuration(p.getValueAsString());
            }
        });
        return new ObjectMapper(new YAMLFactory())
                .registerModule(durations)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS);
    }

    /** {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}. */
    static Duration parseDuration(String text) {
        if (text == null) throw new IllegalArgumentException("expected a duration such as 500ms, 30s or 10m");
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) throw new IllegalArgumentException("'" + text + "' is not a duration such as 500ms, 30s or 10m");
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private static String describe(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        String problem = e.getOriginalMessage();
        if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u) {
            problem = "unknown key '" + u.getPropertyName() + "' (known: " + u.getKnownPropertyIds() + ")";
        } else if (e instanceof com.fasterxml.jackson.databind.exc.InvalidFormatException f) {
            problem = "'" + f.getValue() + "' is not a valid " + f.getTargetType().getSimpleName().toLowerCase(Locale.ROOT);
        } else if (e.getCause() instanceof IllegalArgumentException iae) {
            problem = iae.getMessage();
        } else if (problem != null && problem.contains("Cannot deserialize")) {
            int cut = problem.indexOf(" at [");
            problem = cut > 0 ? problem.substring(0, cut) : problem;
        }
        return (path.isEmpty() ? "" : path + ": ") + problem;
    }

    /** Checks what types alone cannot: ranges, files, combinations. */
    public static SipwakeConfig validate(SipwakeConfig c) {
        for (int i = 0; i < c.sip().listen().size(); i++) {
            SipwakeConfig.Listener l = c.sip().listen().get(i);
            String key = "sip.listen[" + i + "]";
            if (l.transport() == null || !TRANSPORTS.contains(l.transport().toLowerCase(Locale.ROOT))) {
                throw new ConfigException(key + ".transport: must be one of udp, tcp, tls, ws, wss (got " + l.transport() + ")");
            }
            if (l.port() == null || l.port() < 0 || l.port() > 65535) {
                throw new ConfigException(key + ".port: must be 0..65535 (got " + l.port() + ")");
            }
            String t = l.transport().toLowerCase(Locale.ROOT);
            if ((t.equals("tls") || t.equals("wss"))) {
                requireReadable("sip.tls.certificate", c.sip().tls().certificate(), "a " + t + " listener needs it");
                requireReadable("sip.tls.private-key", c.sip().tls().privateKey(), "a " + t + " listener needs it");
            }
        }
        if (c.sip().tls().trust() != null) requireReadable("sip.tls.trust", c.sip().tls().trust(), null);
        if (c.sip().timers().t1().isZero() || c.sip().timers().t1().isNegative()) throw new ConfigException("sip.timers.t1: must be positive");
        if (c.sip().timers().t2().compareTo(c.sip().timers().t1()) < 0) throw new ConfigException("sip.timers.t2: must not be shorter than t1");
        SipwakeConfig.Registrar r = c.registrar();
        if (r.minExpires() < 1 || r.defaultExpires() < r.minExpires() || r.maxExpires() < r.defaultExpires()) {
            throw new ConfigException("registrar: need 1 <= min-expires <= default-expires <= max-expires (got "
                    + r.minExpires() + ", " + r.defaultExpires() + ", " + r.maxExpires() + ")");
        }
        if (r.digestAlgorithms().isEmpty()) throw new ConfigException("registrar.digest-algorithms: must name at least one algorithm");
        for (int i = 0; i < r.digestAlgorithms().size(); i++) {
            String a = r.digestAlgorithms().get(i);
            if (io.sipwake.proxy.auth.DigestAlgorithm.fromToken(a).isEmpty()) {
                throw new ConfigException("registrar.digest-algorithms[" + i + "]: unknown algorithm '" + a
                        + "' (use SHA-256, MD5, SHA-512-256 or their -sess forms)");
            }
        }
        for (int i = 0; i < r.users().size(); i++) {
            SipwakeConfig.User u = r.users().get(i);
            String key = "registrar.users[" + i + "]";
            if (u.username() == null || u.username().isBlank()) throw new ConfigException(key + ".username: missing");
            if ((u.password() == null) == (u.passwordFile() == null)) {
                throw new ConfigException(key + ": give exactly one of password and password-file");
            }
            if (u.passwordFile() != null) requireReadable(key + ".password-file", u.passwordFile(), null);
        }
        String store = c.store().type().toLowerCase(Locale.ROOT);
        if (!store.equals("sqlite") && !store.equals("memory")) {
            throw new ConfigException("store.type: must be sqlite or memory (got " + c.store().type() + ")");
        }
        return c;
    }

    private static void requireReadable(String key, Path file, String why) {
        if (file == null) throw new ConfigException(key + ": missing" + (why == null ? "" : " (" + why + ")"));
        if (!Files.isRegularFile(file)) throw new ConfigException(key + ": file " + file + " does not exist");
        if (!Files.isReadable(file)) throw new ConfigException(key + ": file " + file + " is not readable");
    }
}
