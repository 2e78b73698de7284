package io.sipwake.server.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sipwake.proxy.push.PushDispatcher;
import io.sipwake.proxy.push.PushParameters;
import io.sipwake.proxy.push.PushToken;
import io.sipwake.proxy.registrar.Registrar;
import io.sipwake.push.PushKind;
import io.sipwake.push.PushRequest;
import io.sipwake.push.PushResult;
import io.sipwake.server.SipwakeServer;
import io.sipwake.store.Binding;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/push}: a test push to every push binding of an AOR ({@code {"aor": ...}}) or to a raw token
 * ({@code {"provider": ..., "param": ..., "token": ..., "sandbox": false}}), answered with the provider's exact answer
 * for each push. {@code kind} defaults to {@code message}: an alert push, never an APNs VoIP push, since iOS
 * terminates an app that gets a VoIP push without reporting a call.
 */
final class AdminPush {
    private static final Logger log = LoggerFactory.getLogger(AdminPush.class);
    private static final int MAX_BODY = 16 * 1024;
    /** How long a test push may take, retries included (the push's deadline); the answer waits a little longer. */
    static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Set<String> FIELDS = Set.of("aor", "provider", "param", "token", "sandbox", "kind");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The HTTP status and the JSON body to send. */
    record Answer(int status, Object body) {
        static Answer error(int status, String message) {
            return new Answer(status, Map.of("error", message));
        }
    }

    private AdminPush() {
    }

    static Answer handle(SipwakeServer sipwake, InputStream requestBody) throws IOException {
        byte[] bytes = requestBody.readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) return Answer.error(413, "request body larger than " + MAX_BODY + " bytes");
        JsonNode body;
        try {
            body = bytes.length == 0 ? null : JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            return Answer.error(400, "request body is not valid JSON: " + e.getOriginalMessage());
        }
        if (body == null || !body.isObject()) {
            return Answer.error(400, "expected a JSON object: {\"aor\": \"sip:bob@example.com\"} or "
                    + "{\"provider\": \"apns\", \"param\": \"TEAM.bundle\", \"token\": \"...\"}");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) return Answer.error(400, "unknown field '" + name + "' (known: aor, provider, param, token, sandbox, kind)");
        }
        PushKind kind;
        try {
            kind = kind(body.get("kind"));
        } catch (IllegalArgumentException e) {
            return Answer.error(400, e.getMessage());
        }
        for (String f : List.of("aor", "provider", "param", "token")) {
            JsonNode v = body.get(f);
            if (v != null && !v.isNull() && (!v.isTextual() || v.asText().isBlank())) return Answer.error(400, "'" + f + "' must be a non-empty string");
        }
        JsonNode sandboxNode = body.get("sandbox");
        if (sandboxNode != null && !sandboxNode.isNull() && !sandboxNode.isBoolean()) return Answer.error(400, "'sandbox' must be true or false");
        String aor = text(body, "aor");
        String provider = text(body, "provider");
        String token = text(body, "token");
        String param = text(body, "param");
        boolean sandbox = sandboxNode != null && sandboxNode.asBoolean();
        if (aor != null && (provider != null || token != null || param != null || sandboxNode != null)) {
            return Answer.error(400, "give either 'aor' or a raw token ('provider', 'token', 'param', 'sandbox'), not both");
        }
        if (aor == null && (provider == null || token == null)) {
            return Answer.error(400, "give 'aor', or 'provider' and 'token' (and 'param' where the provider needs it)");
        }

        PushDispatcher dispatcher = sipwake.pushDispatcher();
        if (dispatcher == null || dispatcher.providers().isEmpty()) {
            return Answer.error(503, "push is off: no push provider is configured (push.apns, push.fcm or push.http)");
        }
        Instant now = Instant.now();
        Instant deadline = now.plus(DEADLINE);
        String callId = "sipwake-test-push-" + UUID.randomUUID();
        List<Map<String, Object>> items = new ArrayList<>();
        List<CompletableFuture<PushResult>> futures = new ArrayList<>();
        if (aor == null) {
            PushRequest request = new PushRequest(provider.strip().toLowerCase(Locale.ROOT), param, token.strip(), sandbox, kind, deadline,
                    callId, UUID.randomUUID().toString(), null, "sipwake test push", false, now, callId);
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("provider", request.provider());
            item.put("param", param);
            item.put("sandbox", sandbox);
            item.put("token", PushToken.redact(request.prid()));
            item.put("kind", kindName(kind));
            items.add(item);
            futures.add(dispatcher.send(request));
        } else {
            String canonical = canonicalAor(aor);
            List<Binding> bindings = sipwake.locations().lookup(canonical);
            List<Binding> pushBindings = bindings.stream().filter(b -> Registrar.pushParameters(b) != null).toList();
            if (pushBindings.isEmpty()) {
                return Answer.error(404, bindings.isEmpty() ? "no bindings for " + canonical : "no push bindings for " + canonical
                        + " (" + bindings.size() + " binding(s) without push parameters)");
            }
            for (Binding b : pushBindings) {
                PushParameters p = Registrar.pushParameters(b);
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("aor", canonical);
                item.put("contact", AdminServer.redactParams(b.contact()));
                item.put("provider", p.provider());
                item.put("param", p.param());
                item.put("sandbox", p.sandbox());
                item.put("kind", kindName(kind));
                var chosen = p.tokenFor(kind == PushKind.CALL ? io.sipwake.proxy.push.PushKind.CALL
                        : kind == PushKind.REGISTRATION_REFRESH ? io.sipwake.proxy.push.PushKind.REFRESH : io.sipwake.proxy.push.PushKind.MESSAGE);
                items.add(item);
                if (chosen.isEmpty()) {
                    item.put("result", "skipped");
                    item.put("reason", "the binding has no token usable for a " + kindName(kind) + " push");
                    futures.add(null);
                    continue;
                }
                PushToken t = chosen.get();
                item.put("token", PushToken.redact(t.token()));
                item.put("service", t.service().name().toLowerCase(Locale.ROOT));
                String prid = p.senderPrid(t);
                futures.add(dispatcher.send(new PushRequest(p.provider(), p.param(), prid, p.sandbox(), kind, deadline, callId,
                        UUID.randomUUID().toString(), null, "sipwake test push", false, now, callId)));
            }
        }
        for (int i = 0; i < items.size(); i++) {
            CompletableFuture<PushResult> f = futures.get(i);
            if (f != null) describe(items.get(i), await(f));
        }
        log.info("admin API: test {} push to {}: {}", kindName(kind), aor != null ? aor : provider + " token " + PushToken.redact(token),
                items.stream().map(m -> String.valueOf(m.get("result"))).toList());
        return new Answer(200, items);
    }

    private static PushResult await(CompletableFuture<PushResult> f) {
        try {
            return f.get(DEADLINE.toSeconds() + 5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PushResult.Failed("interrupted while waiting for the provider", e);
        } catch (TimeoutException e) {
            return new PushResult.Failed("no answer from the provider within " + (DEADLINE.toSeconds() + 5) + " s", e);
        } catch (ExecutionException e) {
            return new PushResult.Failed(String.valueOf(e.getCause()), e.getCause());
        }
    }

    /** The provider's answer, field by field. */
    static void describe(Map<String, Object> item, PushResult result) {
        if (result instanceof PushResult.Accepted a) {
            item.put("result", "accepted");
            item.put("status", a.status());
            item.put("provider-id", a.providerId());
        } else if (result instanceof PushResult.Rejected r) {
            item.put("result", "rejected");
            item.put("status", r.status());
            item.put("reason", r.reason());
            item.put("token-is-dead", r.tokenIsDead());
            item.put("operator-error", r.operatorError());
            item.put("invalidated-at", r.invalidatedAt() == null ? null : r.invalidatedAt().toString());
        } else if (result instanceof PushResult.Failed f) {
            item.put("result", "failed");
            item.put("reason", f.reason());
        }
    }

    private static PushKind kind(JsonNode node) {
        if (node == null || node.isNull()) return PushKind.MESSAGE;
        String allowed = "call, message, call-cancelled, missed-call, registration-refresh";
        if (!node.isTextual()) throw new IllegalArgumentException("'kind' must be one of " + allowed);
        try {
            return PushKind.valueOf(node.asText().strip().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown kind '" + node.asText() + "' (one of " + allowed + ")");
        }
    }

    static String kindName(PushKind kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        return v == null || v.isNull() ? null : v.asText().strip();
    }

    /** As {@link AdminServer}: {@code sip:} is assumed when missing. */
    private static String canonicalAor(String aor) {
        String lower = aor.toLowerCase(Locale.ROOT);
        return lower.startsWith("sip:") || lower.startsWith("sips:") ? aor : "sip:" + aor;
    }
}
