package io.sipwake.server.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sipwake.proxy.push.HookWake;
import io.sipwake.proxy.push.PushToken;
import io.sipwake.server.admin.AdminPush.Answer;
import io.sipwake.server.config.ConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * {@code POST /api/v1/wake}: hook mode's wake ({@link HookWake}) for a PBX dialplan, before it dials. The fields
 * ({@code aor}, {@code contact}, {@code call-id}, {@code caller}, {@code caller-name}, {@code wait}, {@code timeout})
 * come as a JSON object, as a form-encoded body (what Asterisk's {@code CURL(url,data)} posts) or as query
 * parameters, each field in one place only. The answer's status is what a dialplan branches on:
 *
 * <table>
 *   <caption>Statuses</caption>
 *   <tr><td>200</td><td>{@code registered} (wait: the phone registered again) or {@code accepted} (the push was accepted)</td></tr>
 *   <tr><td>400</td><td>bad input; {@code field} names it</td></tr>
 *   <tr><td>404</td><td>{@code no-push-binding}: nothing to push to</td></tr>
 *   <tr><td>410</td><td>{@code token-dead}: the provider said the token is dead; its binding was removed</td></tr>
 *   <tr><td>502</td><td>{@code rejected} or {@code failed}: the provider refused the push, or could not be reached</td></tr>
 *   <tr><td>503</td><td>push is off, or too many wakes are pending</td></tr>
 *   <tr><td>504</td><td>{@code timeout}: with wait, the phone did not register in time</td></tr>
 * </table>
 */
final class AdminWake {
    private static final int MAX_BODY = 16 * 1024;
    private static final Set<String> FIELDS = Set.of("aor", "contact", "call-id", "caller", "caller-name", "wait", "timeout");
    private static final String KNOWN = "aor, contact, call-id, caller, caller-name, wait, timeout";
    private static final ObjectMapper JSON = new ObjectMapper();

    private AdminWake() {
    }

    /** A 400 naming the field at fault. */
    private static final class BadField extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String field;

        BadField(String field, String message) {
            super(message, null, false, false);
            this.field = field;
        }
    }

    /**
     * Starts the wake; the future holds the status and body to send. Input errors, and a wake with nothing to push,
     * come back completed. Never blocks beyond reading the request body.
     */
    static CompletableFuture<Answer> handle(HookWake hook, String rawQuery, InputStream requestBody, String contentType) throws IOException {
        byte[] bytes = requestBody.readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) return done(Answer.error(413, "request body larger than " + MAX_BODY + " bytes"));
        HookWake.Request request;
        try {
            request = request(rawQuery, bytes, contentType, hook);
        } catch (BadField e) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", e.getMessage());
            if (e.field != null) body.put("field", e.field);
            return done(new Answer(400, body));
        }
        if (hook == null) return done(Answer.error(503, "push is off: no push provider is configured (push.apns, push.fcm or push.http)"));
        try {
            return hook.wake(request).thenApply(AdminWake::answer);
        } catch (RejectedExecutionException e) {
            return done(Answer.error(503, "too many wakes pending (" + e.getMessage() + "); try again"));
        } catch (IllegalArgumentException e) {
            return done(new Answer(400, Map.of("error", e.getMessage())));
        }
    }

    private static CompletableFuture<Answer> done(Answer a) {
        return CompletableFuture.completedFuture(a);
    }

    // ---- input ----

    private static HookWake.Request request(String rawQuery, byte[] body, String contentType, HookWake hook) {
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, Boolean> flags = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : form(rawQuery == null ? "" : rawQuery, "query parameter").entrySet()) {
            fields.put(e.getKey(), e.getValue());
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        boolean json = text.startsWith("{") || text.startsWith("[") || contentType != null && contentType.toLowerCase(Locale.ROOT).contains("json");
        if (!text.isEmpty()) {
            Map<String, String> fromBody = json ? json(text, flags) : form(text, "form field");
            for (Map.Entry<String, String> e : fromBody.entrySet()) {
                if (fields.containsKey(e.getKey())) {
                    throw new BadField(e.getKey(), "'" + e.getKey() + "' is given both as a query parameter and in the body; give it once");
                }
                fields.put(e.getKey(), e.getValue());
            }
        }
        String aorText = fields.get("aor");
        if (aorText == null || aorText.isBlank()) {
            throw new BadField("aor", "'aor' is required: the address-of-record to wake, e.g. sip:1001@pbx.example.com");
        }
        String aor;
        try {
            aor = HookWake.addressOfRecord(aorText);
        } catch (IllegalArgumentException e) {
            throw new BadField("aor", "'aor': " + e.getMessage());
        }
        boolean wait = flags.containsKey("wait") ? flags.get("wait") : flag(fields.get("wait"));
        Duration timeout = timeout(fields.get("timeout"));
        if (hook != null) {
            try {
                hook.effectiveTimeout(timeout);
            } catch (IllegalArgumentException e) {
                throw new BadField("timeout", "'timeout': " + e.getMessage());
            }
        }
        return new HookWake.Request(aor, fields.get("contact"), fields.get("call-id"), fields.get("caller"), fields.get("caller-name"),
                wait, timeout);
    }

    /**
     * {@code a=1&b=2}, %-decoded. A {@code +} stays a plus ({@code +sip.instance}, E.164 numbers) rather than becoming a
     * space; a name without {@code =} has the empty value.
     */
    private static Map<String, String> form(String text, String what) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), what);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), what + " " + name);
            if (!FIELDS.contains(name)) throw new BadField(name, "unknown " + what + " '" + name + "' (known: " + KNOWN + ")");
            if (out.put(name, value) != null) throw new BadField(name, "'" + name + "' is given twice");
        }
        return out;
    }

    private static String decode(String raw, String what) {
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadField(null, "malformed %-escape in " + what);
        }
    }

    /** The JSON object's fields as text; booleans go to {@code flags}. */
    private static Map<String, String> json(String text, Map<String, Boolean> flags) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BadField(null, "request body is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new BadField(null, "expected a JSON object such as {\"aor\": \"sip:1001@pbx.example.com\", \"wait\": true}");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (!FIELDS.contains(name)) throw new BadField(name, "unknown field '" + name + "' (known: " + KNOWN + ")");
            if (v.isNull()) continue;
            switch (name) {
                case "wait" -> {
                    if (v.isBoolean()) flags.put(name, v.asBoolean());
                    else if (v.isTextual()) out.put(name, v.asText());
                    else throw new BadField(name, "'wait' must be true or false");
                }
                case "timeout" -> {
                    if (v.isIntegralNumber() || v.isTextual()) out.put(name, v.asText());
                    else throw new BadField(name, "'timeout' must be a duration such as \"20s\" or a number of seconds");
                }
                default -> {
                    if (!v.isTextual()) throw new BadField(name, "'" + name + "' must be a string");
                    out.put(name, v.asText());
                }
            }
        }
        return out;
    }

    private static boolean flag(String value) {
        if (value == null) return false;
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "", "true", "1", "yes" -> true; // a bare ?wait means yes
            case "false", "0", "no" -> false;
            default -> throw new BadField("wait", "'wait' must be true or false, got '" + value + "'");
        };
    }

    /** {@code 20s}, {@code 1500ms}, {@code 1m}, or a plain number of seconds. */
    private static Duration timeout(String value) {
        if (value == null || value.isBlank()) return null;
        String v = value.strip();
        try {
            if (v.chars().allMatch(Character::isDigit)) return Duration.ofSeconds(Long.parseLong(v));
            return ConfigLoader.parseDuration(v);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new BadField("timeout", "'timeout' " + v + " is too long");
        } catch (IllegalArgumentException e) {
            throw new BadField("timeout", "'timeout': " + e.getMessage());
        }
    }

    // ---- output ----

    /** The HTTP status of an outcome. */
    static int status(HookWake.Outcome outcome) {
        return switch (outcome) {
            case REGISTERED, ACCEPTED -> 200;
            case NO_PUSH_BINDING -> 404;
            case TOKEN_DEAD -> 410;
            case REJECTED, FAILED -> 502;
            case TIMEOUT -> 504;
        };
    }

    private static Answer answer(HookWake.Result r) {
        Map<String, Object> body = new LinkedHashMap<>();
        int status = status(r.outcome());
        body.put("outcome", r.outcome().label());
        body.put("aor", r.aor());
        body.put("call-id", r.callId());
        body.put("provider", r.push() == null ? null : r.push().provider());
        body.put("push", r.push() == null ? null : pushView(r.push()));
        body.put("elapsed-ms", r.elapsed().toMillis());
        body.put("duplicate", r.duplicate());
        body.put("stored", r.stored());
        body.put("message", r.message());
        if (status != 200) body.put("error", r.message());
        List<Object> pushes = r.pushes().stream().map(p -> (Object) pushView(p)).toList();
        body.put("pushes", pushes);
        return new Answer(status, body);
    }

    /** A push as {@code POST /api/v1/push} shows one: device, token redacted, the provider's exact answer. */
    private static Map<String, Object> pushView(HookWake.Push p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("provider", p.provider());
        m.put("param", p.param());
        m.put("sandbox", p.sandbox());
        m.put("token", PushToken.redact(p.token().token()));
        m.put("service", p.token().service().name().toLowerCase(Locale.ROOT));
        m.put("kind", "call");
        m.put("binding", p.hookBinding() ? "hook" : "registered");
        if (p.answer() == null) {
            m.put("result", "pending");
            m.put("reason", "no answer from the provider yet");
        } else {
            AdminPush.describe(m, p.answer());
        }
        if (p.pruned()) m.put("binding-removed", true);
        return m;
    }
}
