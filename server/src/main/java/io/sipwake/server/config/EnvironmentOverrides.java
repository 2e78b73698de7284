package io.sipwake.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Environment variables that override configuration keys, applied to the YAML tree before it is bound and
 * validated. The name of a key's variable is {@code SIPWAKE_} and the key path in capitals with {@code .}, {@code -}
 * and list indexes turned into {@code _}: {@code push.call-timeout} is {@code SIPWAKE_PUSH_CALL_TIMEOUT},
 * {@code sip.listen[0].port} is {@code SIPWAKE_SIP_LISTEN_0_PORT}. The names are matched against the configuration
 * records themselves, so every key has one and a misspelt one is an error, not silently ignored.
 *
 * <p>Values are taken as they are for text, paths and durations ({@code 45s}); numbers and {@code true}/{@code false}
 * for whole numbers and switches; a list or a whole section is written as YAML ({@code [a.example, b.example]},
 * {@code {transport: tls, port: 5061}}). An index one past the end of a list adds an item; a list the file does not
 * set starts as its default ({@code sip.listen}: udp and tcp on 5060).
 */
final class EnvironmentOverrides {
    static final String PREFIX = "SIPWAKE_";
    /** SIPWAKE_ variables that belong to the command line, the logging setup or the scripts, not to the config. */
    static final Set<String> NOT_CONFIG = Set.of("SIPWAKE_ADMIN_TOKEN", "SIPWAKE_LOG_LEVEL", "SIPWAKE_TEST_LOG_LEVEL", "SIPWAKE_TARGET");

    /** One override: {@code variable=value} sets {@code keyPath}; {@code path} holds field names and list indexes. */
    record Override(String variable, String keyPath, List<Object> path, Type type, String value) {}

    private final List<Override> overrides;

    private EnvironmentOverrides(List<Override> overrides) {
        this.overrides = overrides;
    }

    /** The overrides among {@code environment} (the other variables are ignored); an unknown SIPWAKE_ name is an error. */
    static EnvironmentOverrides from(Map<String, String> environment) {
        List<Override> found = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(environment).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(PREFIX) || NOT_CONFIG.contains(name)) continue;
            List<String> words = Arrays.asList(name.substring(PREFIX.length()).split("_", -1));
            found.add(resolve(name, words, e.getValue()));
        }
        return new EnvironmentOverrides(found);
    }

    boolean isEmpty() {
        return overrides.isEmpty();
    }

    List<Override> overrides() {
        return overrides;
    }

    private static Override resolve(String variable, List<String> words, String value) {
        List<Object> path = new ArrayList<>();
        Type type = SipwakeConfig.class;
        int i = 0;
        while (i < words.size()) {
            Class<?> raw = rawClass(type);
            if (raw.isRecord()) {
                RecordComponent match = null;
                int matchLength = 0;
                for (RecordComponent c : raw.getRecordComponents()) {
                    List<String> keyWords = Arrays.asList(keyName(c).toUpperCase(Locale.ROOT).split("-"));
                    if (keyWords.size() > matchLength && i + keyWords.size() <= words.size()
                            && words.subList(i, i + keyWords.size()).equals(keyWords)) {
                        match = c;
                        matchLength = keyWords.size();
                    }
                }
                if (match == null) throw unknown(variable, path, raw, words.get(i));
                path.add(keyName(match));
                type = match.getGenericType();
                i += matchLength;
            } else if (List.class.isAssignableFrom(raw)) {
                String word = words.get(i);
                if (!word.matches("\\d{1,4}")) {
                    throw new ConfigException("environment variable " + variable + ": " + keyPath(path) + " is a list: the next part of the "
                            + "name must be an item's index, such as " + PREFIX + envName(path) + "_0, not " + quoteWord(word));
                }
                path.add(Integer.parseInt(word));
                type = ((ParameterizedType) type).getActualTypeArguments()[0];
                i++;
            } else {
                throw new ConfigException("environment variable " + variable + ": " + keyPath(path) + " is a single value; "
                        + "nothing may follow it in the name (" + String.join("_", words.subList(i, words.size())) + ")");
            }
        }
        if (path.isEmpty()) throw new ConfigException("environment variable " + variable + ": names no config key");
        return new Override(variable, keyPath(path), List.copyOf(path), type, value);
    }

    private static ConfigException unknown(String variable, List<Object> path, Class<?> record, String word) {
        List<String> known = new ArrayList<>();
        String prefix = PREFIX + (path.isEmpty() ? "" : envName(path) + "_");
        for (RecordComponent c : record.getRecordComponents()) known.add(prefix + keyName(c).toUpperCase(Locale.ROOT).replace('-', '_'));
        return new ConfigException("environment variable " + variable + ": no config key by that name"
                + (path.isEmpty() ? "" : " under " + keyPath(path)) + " (at " + quoteWord(word) + "; known here: " + String.join(", ", known) + ")");
    }

    /** Sets each override in {@code root} (the file's tree); lists the file does not set start from {@code defaults}. */
    void applyTo(ObjectNode root, ObjectMapper mapper, SipwakeConfig defaults) {
        for (Override o : overrides) {
            JsonNode node = root;
            Object defaultValue = defaults;
            for (int i = 0; i < o.path().size(); i++) {
                Object step = o.path().get(i);
                boolean last = i == o.path().size() - 1;
                defaultValue = defaultOf(defaultValue, step);
                if (step instanceof String field) {
                    if (!(node instanceof ObjectNode object)) throw notASection(o, i);
                    if (last) {
                        object.set(field, value(o, mapper));
                    } else {
                        JsonNode child = object.get(field);
                        if (child == null || child.isNull()) child = seed(o.path().get(i + 1), defaultValue, mapper);
                        object.set(field, child);
                        node = child;
                    }
                } else {
                    int index = (Integer) step;
                    if (!(node instanceof ArrayNode array)) throw notASection(o, i);
                    if (index > array.size()) {
                        throw new ConfigException("environment variable " + o.variable() + ": " + keyPath(o.path().subList(0, i)) + " has "
                                + array.size() + " item(s), so the next one is index " + array.size() + ", not " + index);
                    }
                    JsonNode item = last ? value(o, mapper) : index < array.size() ? array.get(index) : JsonNodeFactory.instance.objectNode();
                    if (index == array.size()) array.add(item);
                    else array.set(index, item);
                    node = item;
                }
            }
        }
    }

    /** A missing section or list on the way to a key: a list starts as its default, anything else empty. */
    private static JsonNode seed(Object next, Object defaultValue, ObjectMapper mapper) {
        if (next instanceof Integer) {
            return defaultValue instanceof List<?> list ? mapper.valueToTree(list) : JsonNodeFactory.instance.arrayNode();
        }
        return JsonNodeFactory.instance.objectNode();
    }

    private static Object defaultOf(Object parent, Object step) {
        if (parent == null) return null;
        if (step instanceof Integer index) return parent instanceof List<?> l && index < l.size() ? l.get(index) : null;
        for (RecordComponent c : parent.getClass().getRecordComponents()) {
            if (keyName(c).equals(step)) {
                try {
                    return c.getAccessor().invoke(parent);
                } catch (ReflectiveOperationException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static ConfigException notASection(Override o, int depth) {
        return new ConfigException("environment variable " + o.variable() + ": cannot set " + o.keyPath() + ": "
                + keyPath(o.path().subList(0, depth)) + " in the config file is not " + (o.path().get(depth) instanceof Integer ? "a list" : "a section"));
    }

    /** The variable's value as the node the key's type wants (see the class comment). */
    private static JsonNode value(Override o, ObjectMapper yaml) {
        String v = o.value();
        Class<?> raw = rawClass(o.type());
        if (raw == String.class || raw == Path.class || raw == Duration.class) return TextNode.valueOf(v);
        String t = v.strip();
        if (raw == Integer.class || raw == Long.class) {
            try {
                return LongNode.valueOf(Long.parseLong(t));
            } catch (NumberFormatException e) {
                return TextNode.valueOf(v); // binding says "expected a whole number, got ..."
            }
        }
        if (raw == Boolean.class) {
            if (t.equalsIgnoreCase("true")) return BooleanNode.TRUE;
            if (t.equalsIgnoreCase("false")) return BooleanNode.FALSE;
            return TextNode.valueOf(v);
        }
        try {
            JsonNode parsed = yaml.readTree(v);
            return parsed == null || parsed.isMissingNode() ? JsonNodeFactory.instance.nullNode() : parsed;
        } catch (java.io.IOException e) {
            throw new ConfigException("environment variable " + o.variable() + " (" + o.keyPath() + "): not valid YAML: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /**
     * {@code message} ("key: problem") attributed to the environment variable that set the key, or null when no
     * override set it (or anything it is part of).
     */
    String attribute(String message) {
        int colon = message.indexOf(": ");
        if (colon < 0) return null;
        String key = message.substring(0, colon);
        for (Override o : overrides) {
            String k = o.keyPath();
            if (key.equals(k) || key.startsWith(k + ".") || key.startsWith(k + "[")) {
                return "environment variable " + o.variable() + " (" + message.substring(0, colon) + ")" + message.substring(colon);
            }
        }
        return null;
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) return c;
        if (type instanceof ParameterizedType p) return (Class<?>) p.getRawType();
        return Object.class;
    }

    static String keyName(RecordComponent c) {
        // @JsonProperty does not target record components; Java copies it to the accessor
        JsonProperty p = c.getAccessor().getAnnotation(JsonProperty.class);
        return p != null && !p.value().isEmpty() ? p.value() : c.getName();
    }

    static String keyPath(List<Object> path) {
        StringBuilder s = new StringBuilder();
        for (Object step : path) {
            if (step instanceof Integer i) s.append('[').append(i).append(']');
            else s.append(s.length() == 0 ? "" : ".").append(step);
        }
        return s.toString();
    }

    private static String envName(List<Object> path) {
        List<String> parts = new ArrayList<>();
        for (Object step : path) parts.add(step.toString().toUpperCase(Locale.ROOT).replace('-', '_'));
        return String.join("_", parts);
    }

    private static String quoteWord(String word) {
        return "'" + word + "'";
    }
}
