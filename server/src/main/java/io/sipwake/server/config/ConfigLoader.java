package io.sipwake.server.config;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.sipwake.proxy.auth.DigestAlgorithm;
import io.sipwake.sip.parser.ParseLimits;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads and validates the YAML configuration. Every problem is a {@link ConfigException} whose message starts
 * with the file, names the key path ({@code sip.listen[1].port}) and says what is wrong; sipwake refuses to start
 * on any of them, and {@code sipwake check-config} prints the message.
 *
 * <p>Types are strict on purpose: a quoted number, a fraction where a whole number belongs, a single value where a
 * list belongs, a key given twice or an empty list item is reported rather than guessed at, because a guess that
 * is wrong shows up much later as a phone that cannot register.
 */
public final class ConfigLoader {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final List<String> TRANSPORTS = List.of("udp", "tcp", "tls", "ws", "wss");
    private static final List<String> STORES = List.of("sqlite", "memory");
    private static final List<String> LOG_FORMATS = List.of("text", "json");
    private static final Pattern WHOLE_NUMBER = Pattern.compile("[-+]?\\d+");
    private static final int MAX_SHOWN_VALUE = 40;
    private static final ObjectMapper MAPPER = mapper();

    private ConfigLoader() {}

    /**
     * Reads {@code file} (null: the built-in defaults), applies the {@code SIPWAKE_*} environment variables on top
     * ({@link EnvironmentOverrides}) and validates the result.
     */
    public static SipwakeConfig load(Path file) {
        return load(file, System.getenv());
    }

    /** As {@link #load(Path)}, with {@code environment} in place of the process's environment (empty: no overrides). */
    public static SipwakeConfig load(Path file, Map<String, String> environment) {
        EnvironmentOverrides overrides = EnvironmentOverrides.from(environment);
        String source = file == null ? "built-in defaults" : file.toString();
        SipwakeConfig config = file == null ? SipwakeConfig.defaults() : parse(source, read(file));
        if (!overrides.isEmpty()) config = override(config, overrides);
        try {
            return validate(config);
        } catch (ConfigException e) {
            throw located(source, overrides, e);
        }
    }

    /** A problem with a key: attributed to the environment variable that set it, else to the file. */
    private static ConfigException located(String source, EnvironmentOverrides overrides, ConfigException e) {
        String fromEnvironment = overrides.attribute(e.getMessage());
        return new ConfigException(fromEnvironment != null ? fromEnvironment : source + ": " + e.getMessage(), e);
    }

    private static String read(Path file) {
        if (Files.isDirectory(file)) throw new ConfigException("config file " + file + " is a directory, not a file");
        if (!Files.exists(file)) throw new ConfigException("config file " + file + " does not exist");
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (AccessDeniedException e) {
            throw new ConfigException("config file " + file + " is not readable (permission denied)", e);
        } catch (CharacterCodingException e) {
            throw new ConfigException(file + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e, e);
        }
    }

    private static SipwakeConfig parse(String source, String text) {
        try (JsonParser parser = MAPPER.createParser(text)) {
            // Errors are described while the parser is still open: the message shows the value it stopped at.
            try {
                // No document at all (an empty file, or only comments) means "all defaults", as does "---" or "~".
                if (parser.nextToken() == null) return SipwakeConfig.defaults();
                SipwakeConfig config = MAPPER.readValue(parser, SipwakeConfig.class);
                if (parser.nextToken() != null) {
                    throw new ConfigException(source + ": a second YAML document starts at line " + parser.currentLocation().getLineNr()
                            + " (after ---); sipwake reads one document, so put all keys in one");
                }
                return config == null ? SipwakeConfig.defaults() : config;
            } catch (JsonProcessingException e) {
                throw new ConfigException(source + ": " + describe(e), e);
            }
        } catch (IOException e) { // cannot happen when parsing a String, but the API declares it
            throw new ConfigException("cannot read config file " + source + ": " + e, e);
        }
    }

    /**
     * The file's configuration with the environment's overrides applied: written out as a tree (every default
     * explicit), changed there, and bound again, so that the overridden values meet the same type checks.
     */
    private static SipwakeConfig override(SipwakeConfig config, EnvironmentOverrides overrides) {
        ObjectNode tree = MAPPER.valueToTree(config);
        overrides.applyTo(tree, MAPPER, config);
        try (JsonParser parser = MAPPER.treeAsTokens(tree)) {
            try {
                return MAPPER.readValue(parser, SipwakeConfig.class);
            } catch (JsonProcessingException e) {
                String message = describe(e);
                String fromEnvironment = overrides.attribute(message);
                throw new ConfigException(fromEnvironment != null ? fromEnvironment : "environment variables: " + message, e);
            }
        } catch (IOException e) { // cannot happen when reading a tree
            throw new ConfigException("environment variables: " + e, e);
        }
    }

    private static ObjectMapper mapper() {
        SimpleModule durations = new SimpleModule();
        // Written out only to apply environment overrides (see override): in the form parseDuration reads, exactly.
        durations.addSerializer(Duration.class, new StdSerializer<Duration>(Duration.class) {
            private static final long serialVersionUID = 1L;

            @Override
            public void serialize(Duration value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(value.toMillis() + "ms");
            }
        });
        durations.addSerializer(Path.class, new ToStringSerializer(Path.class)); // as written, not as a file: URI
        durations.addDeserializer(Duration.class, new StdScalarDeserializer<Duration>(Duration.class) {
            private static final long serialVersionUID = 1L;

            @Override
            public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                if (!p.currentToken().isScalarValue()) return (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
                return parseDuration(p.getText());
            }
        });
        return YAMLMapper.builder()
                .addModule(durations)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT) // min-expires: 1.5 is a mistake, not 1
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                // YAML keeps the last of two equal keys; the first one's settings would vanish without a word.
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                // A null value means "the default", but a null list item (a stray "- " line) is a mistake.
                .defaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL))
                .build();
    }

    /** {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}. */
    public static Duration parseDuration(String text) {
        if (text == null) throw new IllegalArgumentException("expected a duration such as 500ms, 30s or 10m");
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            String hint = WHOLE_NUMBER.matcher(text.trim()).matches() ? " (a number needs a unit: ms, s, m, h or d)" : "";
            throw new IllegalArgumentException("expected a duration such as 500ms, 30s or 10m, got " + quote(text) + hint);
        }
        try {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("duration " + quote(text) + " is too long");
        }
    }

    // ---- Jackson's messages, rewritten as "<key>: <problem>" ----

    private static String describe(JsonProcessingException e) {
        String message = Objects.requireNonNullElse(e.getOriginalMessage(), e.toString());
        // STRICT_DUPLICATE_DETECTION reports "Duplicate field 'x'" with the parser still on the repeated key.
        if (message.startsWith("Duplicate field") && e.getProcessor() instanceof JsonParser p) {
            return keyPath(p.getParsingContext()) + ": given twice"
                    + (e.getLocation() == null ? "" : " (again at line " + e.getLocation().getLineNr() + ")");
        }
        // A syntax error found while mapping a section arrives wrapped with that section's path; line and column say more.
        if (!(e instanceof JsonMappingException m) || yamlError(e) != null) return describeSyntax(e, message);
        String key = m.getPath().stream()
                .map(r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining());
        key = key.startsWith(".") ? key.substring(1) : key;
        return (key.isEmpty() ? "top level" : key) + ": " + problem(m);
    }

    private static String problem(JsonMappingException e) {
        JsonParser parser = e.getProcessor() instanceof JsonParser p ? p : null;
        if (e instanceof UnrecognizedPropertyException u) return unknownKey(u);
        if (e instanceof InvalidNullException) return "empty list item (give it a value or remove the line)";
        // Our own deserializers (durations) say what is wrong in an IllegalArgumentException.
        if (e.getCause() instanceof IllegalArgumentException iae) return iae.getMessage();
        if (e.getCause() instanceof InputCoercionException c && parser != null) {
            return "expected " + expected(c.getTargetType()) + ", got " + text(parser) + ", which is too large";
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null && parser != null) {
            return "expected " + expected(m.getTargetType()) + ", got " + got(parser, m.getTargetType());
        }
        String message = Objects.requireNonNullElse(e.getOriginalMessage(), e.toString());
        int location = message.indexOf(" at [");
        return location > 0 ? message.substring(0, location) : message;
    }

    private static String unknownKey(UnrecognizedPropertyException u) {
        List<String> known = u.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
        String guess = known.stream().filter(k -> editDistance(k, u.getPropertyName()) <= 2).findFirst()
                .map(k -> "did you mean '" + k + "'? ").orElse("");
        return "unknown key (" + guess + "known keys here: " + String.join(", ", known) + ")";
    }

    private static String expected(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) return "a whole number";
        if (type == Boolean.class || type == boolean.class) return "true or false";
        if (type == String.class) return "a single value";
        if (type == Path.class) return "a file path";
        if (type == Duration.class) return "a duration such as 500ms, 30s or 10m";
        if (Collection.class.isAssignableFrom(type)) return "a list";
        return "keys and values (key: value, one per line)";
    }

    /** The offending value as the user wrote it, with a hint when only the quotes are wrong. */
    private static String got(JsonParser parser, Class<?> target) {
        JsonToken token = parser.currentToken();
        if (token == null) return "nothing";
        return switch (token) {
            case START_ARRAY -> "a list";
            case START_OBJECT, FIELD_NAME -> "keys and values";
            case VALUE_NULL -> "nothing";
            case VALUE_STRING -> {
                String text = text(parser);
                boolean number = (target == Integer.class || target == Long.class) && WHOLE_NUMBER.matcher(text.trim()).matches();
                boolean bool = target == Boolean.class && (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"));
                yield quote(text) + (number || bool ? " in quotes (write it without them)" : "");
            }
            default -> text(parser);
        };
    }

    private static String text(JsonParser parser) {
        try {
            return parser.getText();
        } catch (IOException e) { // the parser is past the value; say what kind it was
            return String.valueOf(parser.currentToken());
        }
    }

    private static String describeSyntax(JsonProcessingException e, String message) {
        MarkedYAMLException y = yamlError(e);
        if (y != null) {
            String where = y.getProblemMark() == null ? "" : " at " + position(y.getProblemMark());
            String context = y.getContext() == null ? ""
                    : " (" + y.getContext() + (y.getContextMark() == null ? "" : " at " + position(y.getContextMark())) + ")";
            return "not valid YAML" + where + ": " + y.getProblem() + context;
        }
        int location = message.indexOf(" at [");
        return "not valid YAML" + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()) + ": "
                + (location > 0 ? message.substring(0, location) : message);
    }

    private static MarkedYAMLException yamlError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException y) return y;
        }
        return null;
    }

    private static String position(Mark mark) {
        return "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }

    private static String keyPath(JsonStreamContext context) {
        List<String> parts = new ArrayList<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            parts.add(0, c.inArray() ? "[" + c.getCurrentIndex() + "]" : "." + c.getCurrentName());
        }
        String path = String.join("", parts);
        return path.startsWith(".") ? path.substring(1) : path;
    }

    private static String quote(String text) {
        String shown = text.length() > MAX_SHOWN_VALUE ? text.substring(0, MAX_SHOWN_VALUE) + "..." : text;
        return "'" + shown + "'";
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) previous[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int replace = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(replace, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    // ---- Validation: what types alone cannot check ----

    /**
     * Checks ranges, files and combinations, so that whatever passes here also starts (short of a port in use):
     * {@code check-config} and {@code run} agree.
     */
    public static SipwakeConfig validate(SipwakeConfig c) {
        validateSip(c.sip());
        validateRegistrar(c.registrar());
        validatePush(c.push());
        validateStore(c.store());
        validateAdmin(c.admin());
        validateEdge(c.edge());
        validateLogging(c.logging());
        return c;
    }

    private static void validateLogging(SipwakeConfig.Logging logging) {
        if (!LOG_FORMATS.contains(logging.format())) {
            throw error("logging.format", "must be one of " + String.join(", ", LOG_FORMATS) + " (got " + quote(logging.format()) + ")");
        }
    }

    private static final List<String> EDGE_MODES = List.of("path", "contact-rewrite");
    private static final List<String> UNSUPPORTED_PROVIDERS = List.of("forward", "reject");

    private static void validateEdge(SipwakeConfig.Edge edge) {
        if (edge.lapsedPushRetention().isNegative()) throw error("edge.lapsed-push-retention", "must not be negative");
        Map<String, Integer> domains = new HashMap<>();
        for (int i = 0; i < edge.upstreams().size(); i++) {
            SipwakeConfig.Upstream u = edge.upstreams().get(i);
            String key = "edge.upstreams[" + i + "]";
            if (u.uri() == null || u.uri().isBlank()) throw error(key + ".uri", "missing (the registrar/PBX, e.g. sip:10.0.0.5:5060;transport=udp)");
            try {
                io.sipwake.sip.message.SipUri uri = io.sipwake.sip.message.SipUri.parse(u.uri().trim());
                if (uri.user() != null) throw error(key + ".uri", "must name a host, not a user (got " + quote(u.uri()) + ")");
                String t = uri.transportParam();
                if (t != null && !List.of("udp", "tcp", "tls").contains(t.toLowerCase(Locale.ROOT))) {
                    throw error(key + ".uri", "transport must be udp, tcp or tls (got " + quote(t) + ")");
                }
            } catch (IllegalArgumentException e) {
                throw error(key + ".uri", "not a sip: or sips: URI (" + e.getMessage() + ")");
            }
            if (!EDGE_MODES.contains(u.mode())) {
                throw error(key + ".mode", "must be one of " + String.join(", ", EDGE_MODES) + " (got " + quote(u.mode()) + ")");
            }
            if (!UNSUPPORTED_PROVIDERS.contains(u.unsupportedProviders())) {
                throw error(key + ".unsupported-providers", "must be forward or reject (got " + quote(u.unsupportedProviders()) + ")");
            }
            List<String> names = u.domains().isEmpty() ? List.of("*") : u.domains();
            for (int d = 0; d < names.size(); d++) {
                String name = names.get(d).toLowerCase(Locale.ROOT);
                if (name.isBlank()) throw error(key + ".domains[" + d + "]", "must not be empty");
                Integer first = domains.putIfAbsent(name, i);
                if (first != null) {
                    throw error(u.domains().isEmpty() ? key + ".domains" : key + ".domains[" + d + "]",
                            (name.equals("*") ? "every domain" : quote(name)) + " is served by edge.upstreams[" + first + "] already");
                }
            }
        }
    }

    private static void validateAdmin(SipwakeConfig.Admin a) {
        if (a.address().isBlank()) throw error("admin.address", "must not be empty (127.0.0.1 listens on loopback only)");
        if (a.port() < 0 || a.port() > 65_535) throw error("admin.port", "must be 0..65535 (got " + a.port() + "; 0 picks a free port)");
        if (a.tokenFile() != null) {
            requireReadable("admin.token-file", a.tokenFile(), null);
            if (readStripped("admin.token-file", a.tokenFile()).isEmpty()) throw error("admin.token-file", "file " + a.tokenFile() + " is empty");
        }
        if (!a.enabled()) return;
        boolean loopback;
        try {
            loopback = java.net.InetAddress.getByName(a.address()).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            throw error("admin.address", "cannot resolve " + quote(a.address()));
        }
        if (!loopback && a.tokenFile() == null) {
            throw error("admin.token-file", "missing: admin.address " + quote(a.address())
                    + " is not a loopback address, and without a token the admin API listens on loopback only");
        }
    }

    private static void validatePush(SipwakeConfig.Push push) {
        if (!isPositive(push.callTimeout())) throw error("push.call-timeout", "must be positive");
        if (!isPositive(push.messageTimeout())) throw error("push.message-timeout", "must be positive");
        if (push.messageTimeout().compareTo(Duration.ofSeconds(30)) > 0) {
            // RFC 8599 §5.6.2: the error must reach the sender before its Timer F (32 s) ends the transaction
            throw error("push.message-timeout", "must be at most 30s, below the sender's Timer F (got " + push.messageTimeout().toSeconds() + "s)");
        }
        atLeast("push.min-expires", push.minExpires(), 121);
        if (!push.refreshPushBefore().isZero() && push.refreshPushBefore().compareTo(Duration.ofSeconds(120)) < 0) {
            // RFC 8599 §5.5: the push goes at least 120 s before the binding expires
            throw error("push.refresh-push-before", "must be 0s (off) or at least 120s (got " + push.refreshPushBefore().toSeconds() + "s)");
        }
        if (push.webpush() != null) validateWebPush(push.webpush());
        if (push.apns() != null) {
            if (push.apns().teams().isEmpty()) throw error("push.apns.teams", "name at least one team");
            for (int i = 0; i < push.apns().teams().size(); i++) {
                SipwakeConfig.ApnsTeam t = push.apns().teams().get(i);
                String key = "push.apns.teams[" + i + "]";
                if (t.teamId() == null || t.teamId().isBlank()) throw error(key + ".team-id", "missing");
                if (t.keyId() == null || t.keyId().isBlank()) throw error(key + ".key-id", "missing");
                requireReadable(key + ".signing-key", t.signingKey(), "the .p8 key from Apple");
                if (t.bundleIds().isEmpty()) throw error(key + ".bundle-ids", "name at least one app bundle id");
            }
            validateEndpoint("push.apns.production-endpoint", push.apns().productionEndpoint());
            validateEndpoint("push.apns.sandbox-endpoint", push.apns().sandboxEndpoint());
        }
        if (push.fcm() != null) {
            if (push.fcm().projects().isEmpty()) throw error("push.fcm.projects", "name at least one project");
            for (int i = 0; i < push.fcm().projects().size(); i++) {
                SipwakeConfig.FcmProject p = push.fcm().projects().get(i);
                String key = "push.fcm.projects[" + i + "]";
                if (p.projectId() == null || p.projectId().isBlank()) throw error(key + ".project-id", "missing");
                requireReadable(key + ".service-account", p.serviceAccount(), "the service-account JSON key from Firebase");
            }
            if (push.fcm().apiUrl() != null && !push.fcm().apiUrl().matches("https?://[^\\s?#]+")) {
                throw error("push.fcm.api-url", "must be an http(s) URL (got " + quote(push.fcm().apiUrl()) + ")");
            }
        }
        validateHttpWake(push.http());
    }

    private static void validateWebPush(SipwakeConfig.WebPush w) {
        requireReadable("push.webpush.vapid-private-key", w.vapidPrivateKey(),
                "a P-256 key: openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out vapid.pem");
        try {
            io.sipwake.push.webpush.VapidKey.read(w.vapidPrivateKey());
        } catch (IllegalArgumentException e) {
            throw error("push.webpush.vapid-private-key", e.getMessage());
        }
        if (w.subject() != null && !w.subject().startsWith("mailto:") && !w.subject().startsWith("https:")) {
            throw error("push.webpush.subject", "must be a mailto: or https: URI (RFC 8292 §2.1), got " + quote(w.subject()));
        }
        if (w.allowHosts().isEmpty()) throw error("push.webpush.allow-hosts", "must not be empty: no subscription could be reached");
        if (!isPositive(w.timeout())) throw error("push.webpush.timeout", "must be positive");
        try {
            io.sipwake.push.http.HttpWakeSettings.of(w.allowHosts());
        } catch (IllegalArgumentException e) {
            throw error("push.webpush.allow-hosts", e.getMessage());
        }
    }

    private static void validateHttpWake(SipwakeConfig.Http http) {
        if (!isPositive(http.timeout())) throw error("push.http.timeout", "must be positive");
        if (http.timeout().compareTo(Duration.ofSeconds(30)) > 0) {
            throw error("push.http.timeout", "must be at most 30s: a wake-up that takes longer is useless (got " + http.timeout().toSeconds() + "s)");
        }
        for (int i = 0; i < http.allowHosts().size(); i++) {
            String entry = http.allowHosts().get(i);
            if (entry == null || entry.isBlank()) throw error("push.http.allow-hosts[" + i + "]", "empty entry");
        }
        if (http.enabled()) {
            try {
                io.sipwake.push.http.HttpWakeSettings.of(http.allowHosts());
            } catch (IllegalArgumentException e) {
                throw error("push.http.allow-hosts", e.getMessage());
            }
        }
    }

    private static void validateEndpoint(String key, SipwakeConfig.Endpoint e) {
        if (e == null) return;
        if (e.host() == null || e.host().isBlank()) throw error(key + ".host", "missing");
        if (e.port() == null || e.port() < 1 || e.port() > 65535) throw error(key + ".port", "must be 1..65535 (got " + e.port() + ")");
        if (e.trust() != null) requireReadable(key + ".trust", e.trust(), null);
    }

    private static void validateSip(SipwakeConfig.Sip sip) {
        if (sip.address().isBlank()) throw error("sip.address", "must not be empty (0.0.0.0 listens on all IPv4 addresses)");
        if (sip.listen().isEmpty()) throw error("sip.listen", "must name at least one listener, such as {transport: udp, port: 5060}");
        Map<String, Integer> transports = new HashMap<>();
        for (int i = 0; i < sip.listen().size(); i++) {
            SipwakeConfig.Listener l = sip.listen().get(i);
            String key = "sip.listen[" + i + "]";
            if (l.transport() == null) throw error(key + ".transport", "missing (udp, tcp, tls, ws or wss)");
            String t = l.transport().toLowerCase(Locale.ROOT);
            if (!TRANSPORTS.contains(t)) {
                throw error(key + ".transport", "must be one of " + String.join(", ", TRANSPORTS) + " (got " + quote(l.transport()) + ")");
            }
            // The transport layer has one listener per transport; a second one would silently replace the first.
            Integer first = transports.putIfAbsent(t, i);
            if (first != null) throw error(key + ".transport", "a second " + t + " listener (sip.listen[" + first + "] is one; one per transport)");
            if (l.port() == null) throw error(key + ".port", "missing (0..65535; 0 picks a free port)");
            if (l.port() < 0 || l.port() > 65_535) throw error(key + ".port", "must be 0..65535 (got " + l.port() + ")");
            if (t.equals("tls") || t.equals("wss")) {
                String why = "a " + t + " listener needs it";
                requireReadable("sip.tls.certificate", sip.tls().certificate(), why);
                requireReadable("sip.tls.private-key", sip.tls().privateKey(), why);
            }
        }
        SipwakeConfig.Tls tls = sip.tls();
        // The certificate is also sipwake's client certificate on outgoing TLS, so it may be set without a
        // tls listener, but never without its key.
        if (tls.certificate() != null || tls.privateKey() != null) {
            String why = "sip.tls.certificate and sip.tls.private-key go together";
            requireReadable("sip.tls.certificate", tls.certificate(), why);
            requireReadable("sip.tls.private-key", tls.privateKey(), why);
        }
        if (tls.trust() != null) requireReadable("sip.tls.trust", tls.trust(), null);
        if (sip.ioThreads() < 0) throw error("sip.io-threads", "must be 0 (twice the number of cores) or more (got " + sip.ioThreads() + ")");
        SipwakeConfig.Timers timers = sip.timers();
        if (!isPositive(timers.t1())) throw error("sip.timers.t1", "must be longer than 0");
        if (timers.t2().compareTo(timers.t1()) < 0) throw error("sip.timers.t2", "must not be shorter than sip.timers.t1");
        if (!isPositive(timers.t4())) throw error("sip.timers.t4", "must be longer than 0");
        validateLimits(sip.limits());
    }

    /** The smallest sizes {@link ParseLimits} accepts; named per key here so the message can say which one. */
    private static void validateLimits(SipwakeConfig.Limits limits) {
        atLeast("sip.limits.max-message-bytes", limits.maxMessageBytes(), 512);
        atLeast("sip.limits.max-header-bytes", limits.maxHeaderBytes(), 256);
        atLeast("sip.limits.max-header-lines", limits.maxHeaderLines(), 8);
        atLeast("sip.limits.max-line-bytes", limits.maxLineBytes(), 128);
        try { // in case the parser's minimums ever grow beyond the ones above
            new ParseLimits(limits.maxMessageBytes(), limits.maxHeaderBytes(), limits.maxHeaderLines(), limits.maxLineBytes());
        } catch (IllegalArgumentException e) {
            throw error("sip.limits", e.getMessage());
        }
    }

    private static void validateRegistrar(SipwakeConfig.Registrar r) {
        if (r.realm().isBlank()) throw error("registrar.realm", "must not be empty");
        if (r.minExpires() < 1) throw error("registrar.min-expires", "must be at least 1 (got " + r.minExpires() + ")");
        if (r.defaultExpires() < r.minExpires()) {
            throw error("registrar.default-expires", "must not be below registrar.min-expires (" + r.defaultExpires() + " < " + r.minExpires() + ")");
        }
        if (r.maxExpires() < r.defaultExpires()) {
            throw error("registrar.max-expires", "must not be below registrar.default-expires (" + r.maxExpires() + " < " + r.defaultExpires() + ")");
        }
        if (r.digestAlgorithms().isEmpty()) throw error("registrar.digest-algorithms", "must name at least one algorithm");
        for (int i = 0; i < r.digestAlgorithms().size(); i++) {
            String a = r.digestAlgorithms().get(i);
            if (DigestAlgorithm.fromToken(a).isEmpty()) {
                throw error("registrar.digest-algorithms[" + i + "]", "unknown algorithm " + quote(a)
                        + " (use SHA-256, MD5, SHA-512-256 or their -sess forms)");
            }
        }
        Map<String, Integer> usernames = new HashMap<>();
        for (int i = 0; i < r.users().size(); i++) {
            SipwakeConfig.User u = r.users().get(i);
            String key = "registrar.users[" + i + "]";
            if (u.username() == null || u.username().isBlank()) throw error(key + ".username", "missing");
            Integer first = usernames.putIfAbsent(u.username(), i);
            if (first != null) throw error(key + ".username", quote(u.username()) + " is registrar.users[" + first + "] already");
            if (u.password() != null && u.passwordFile() != null) throw error(key, "give password or password-file, not both");
            if (u.password() == null && u.passwordFile() == null) throw error(key, "missing password or password-file");
            if (u.password() != null && u.password().isEmpty()) throw error(key + ".password", "must not be empty");
            if (u.passwordFile() != null) {
                requireReadable(key + ".password-file", u.passwordFile(), null);
                // sipwake strips the file's content (a trailing newline is not part of the password): an empty
                // file would make the empty string the password.
                if (readStripped(key + ".password-file", u.passwordFile()).isEmpty()) {
                    throw error(key + ".password-file", "file " + u.passwordFile() + " is empty");
                }
            }
        }
    }

    private static void validateStore(SipwakeConfig.Store store) {
        if (!STORES.contains(store.type().toLowerCase(Locale.ROOT))) {
            throw error("store.type", "must be one of " + String.join(", ", STORES) + " (got " + quote(store.type()) + ")");
        }
    }

    private static void requireReadable(String key, Path file, String why) {
        if (file == null) throw error(key, "missing" + (why == null ? "" : " (" + why + ")"));
        if (Files.isDirectory(file)) throw error(key, file + " is a directory, not a file");
        if (!Files.exists(file)) throw error(key, "file " + file + " does not exist");
        if (!Files.isReadable(file)) throw error(key, "file " + file + " is not readable (permission denied)");
    }

    private static String readStripped(String key, Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw error(key, "cannot read " + file + ": " + e);
        }
    }

    private static void atLeast(String key, int value, int minimum) {
        if (value < minimum) throw error(key, "must be at least " + minimum + " (got " + value + ")");
    }

    private static boolean isPositive(Duration d) {
        return !d.isZero() && !d.isNegative();
    }

    private static ConfigException error(String key, String problem) {
        return new ConfigException(key + ": " + problem);
    }
}
