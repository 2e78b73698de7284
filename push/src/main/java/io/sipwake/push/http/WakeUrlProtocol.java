package io.sipwake.push.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sipwake.push.PushKind;
import io.sipwake.push.PushRequest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Zoiper's {@code X-PUSH-URI} wake-up: a JSON POST describing the call (see {@link HttpWakeSender}). */
final class WakeUrlProtocol implements HttpPushProtocol {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String provider() {
        return HttpWakeSender.PROVIDER;
    }

    @Override
    public String label() {
        return "HTTP wake-up";
    }

    @Override
    public String allowListKey() {
        return "push.http.allow-hosts";
    }

    @Override
    public HttpRequest.Builder request(PushRequest request, URI uri, Instant now) {
        return HttpRequest.newBuilder()
                .header("Content-Type", "application/json; charset=UTF-8")
                .header("User-Agent", "sipwake")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body(request, now)));
    }

    static byte[] body(PushRequest r, Instant sentAt) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", type(r.kind()));
        if (r.callId() != null) o.put("call-id", r.callId());
        if (r.caller() != null) o.put("caller", r.caller());
        if (r.callerName() != null) o.put("caller-name", r.callerName());
        o.put("sent-at", sentAt.toEpochMilli());
        o.put("deadline", r.deadline().toEpochMilli());
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String type(PushKind kind) {
        return switch (kind) {
            case CALL -> "call";
            case MESSAGE -> "message";
            case CALL_CANCELLED -> "call-cancelled";
            case MISSED_CALL -> "missed-call";
            case REGISTRATION_REFRESH -> "registration-refresh";
        };
    }
}
