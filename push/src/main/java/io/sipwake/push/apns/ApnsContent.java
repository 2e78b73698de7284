package io.sipwake.push.apns;

import com.eatthepath.pushy.apns.DeliveryPriority;
import com.eatthepath.pushy.apns.PushType;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sipwake.push.PushKind;
import io.sipwake.push.PushRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;

/**
 * What an APNs request carries apart from the token: push type, topic, priority, collapse id and JSON payload,
 * derived from a {@link PushRequest}. The payload format is documented on {@link ApnsPushSender}.
 *
 * @param pushType   {@code apns-push-type}
 * @param topic      {@code apns-topic}
 * @param priority   {@code apns-priority}
 * @param collapseId {@code apns-collapse-id} (at most 64 bytes) or null
 * @param payload    JSON body, within Apple's size limit for the push type
 */
record ApnsContent(PushType pushType, String topic, DeliveryPriority priority, String collapseId, String payload) {

    /** Apple's limit for VoIP pushes. */
    static final int MAX_VOIP_PAYLOAD = 5120;
    /** Apple's limit for every other push. */
    static final int MAX_PAYLOAD = 4096;
    static final int MAX_COLLAPSE_ID = 64;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ELLIPSIS = "…";

    /** Thrown when even a payload with the display name and caller URI cut away is too large (absurd Call-ID). */
    static final class TooLargeException extends Exception {
        private static final long serialVersionUID = 1L;

        TooLargeException(int size, int limit) {
            super("payload of " + size + " bytes exceeds APNs' " + limit + "-byte limit even after truncation");
        }
    }

    /**
     * Builds the request content.
     *
     * @param request  the push
     * @param bundleId the bare bundle id of the app
     * @param voip     send as a VoIP push (only ever true for {@link PushKind#CALL})
     */
    static ApnsContent of(PushRequest request, String bundleId, boolean voip) throws TooLargeException {
        if (voip && request.kind() != PushKind.CALL) {
            throw new IllegalArgumentException("a VoIP push may only announce a call, not " + request.kind());
        }
        PushType type;
        DeliveryPriority priority;
        String topic;
        if (voip) {
            type = PushType.VOIP;
            priority = DeliveryPriority.IMMEDIATE;
            topic = bundleId + ".voip";
        } else if (request.kind() == PushKind.REGISTRATION_REFRESH) {
            // Apple: priority 10 is an error for a push that contains only content-available.
            type = PushType.BACKGROUND;
            priority = DeliveryPriority.CONSERVE_POWER;
            topic = bundleId;
        } else {
            type = PushType.ALERT;
            priority = DeliveryPriority.IMMEDIATE;
            topic = bundleId;
        }
        int limit = voip ? MAX_VOIP_PAYLOAD : MAX_PAYLOAD;
        String collapse = request.collapseKey() != null ? request.collapseKey() : request.callId();
        return new ApnsContent(type, topic, priority, collapseId(collapse), fit(request, voip, limit));
    }

    /**
     * The collapse id for a key: the key itself when it fits in 64 bytes, else the SHA-256 of it in hex
     * (64 characters), so long Call-IDs still collapse together and never collide by truncation.
     */
    static String collapseId(String key) {
        if (key == null || key.isEmpty()) return null;
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_COLLAPSE_ID) return key;
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** The CallKit UUID: the request's, else one derived from the Call-ID (the same on every device), else null. */
    static String callUuid(PushRequest request) {
        if (request.callUuid() != null && !request.callUuid().isBlank()) return request.callUuid();
        if (request.callId() != null) {
            return UUID.nameUUIDFromBytes(("sipwake-call:" + request.callId()).getBytes(StandardCharsets.UTF_8)).toString();
        }
        return null;
    }

    /** Renders the payload, cutting the display name, then the caller URI, until it fits the limit. */
    private static String fit(PushRequest request, boolean voip, int limit) throws TooLargeException {
        String name = request.callerName();
        String caller = request.caller();
        String json = render(request, voip, name, caller);
        if (size(json) <= limit) return json;
        if (name != null) {
            name = shrink(name, n -> render(request, voip, n, request.caller()), limit);
            json = render(request, voip, name, caller);
            if (size(json) <= limit) return json;
        }
        if (caller != null) {
            final String finalName = name;
            caller = shrink(caller, c -> render(request, voip, finalName, c), limit);
            json = render(request, voip, name, caller);
            if (size(json) <= limit) return json;
        }
        throw new TooLargeException(size(json), limit);
    }

    private interface Renderer {
        String render(String value);
    }

    /** The longest prefix of {@code value} (whole code points, plus "…") with which the payload fits; "" if none. */
    private static String shrink(String value, Renderer renderer, int limit) {
        int[] cps = value.codePoints().toArray();
        int lo = 0;
        int hi = cps.length - 1;
        String best = "";
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            String candidate = new String(cps, 0, mid) + ELLIPSIS;
            if (size(renderer.render(candidate)) <= limit) {
                best = candidate;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return best;
    }

    private static int size(String json) {
        return json.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String render(PushRequest r, boolean voip, String name, String caller) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode aps = root.putObject("aps");
        String who = who(name, caller);
        switch (r.kind()) {
            case CALL -> {
                if (!voip) { // an app without PushKit: a visible incoming-call alert
                    alert(aps, r.video() ? "Incoming video call" : "Incoming call", who);
                    aps.put("sound", "default");
                }
            }
            case MESSAGE -> {
                alert(aps, "New message", "New message from " + who);
                aps.put("sound", "default");
                aps.put("mutable-content", 1);
            }
            case MISSED_CALL -> {
                alert(aps, "Missed call", "Missed call from " + who);
                aps.put("sound", "default");
            }
            case CALL_CANCELLED -> alert(aps, "Call ended", "Call from " + who + " ended");
            case REGISTRATION_REFRESH -> aps.put("content-available", 1);
        }
        root.put("kind", r.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        putIfNotNull(root, "call-id", r.callId());
        putIfNotNull(root, "uuid", callUuid(r));
        putIfNotNull(root, "caller", caller);
        putIfNotNull(root, "caller-name", name);
        if (r.kind() == PushKind.CALL || r.kind() == PushKind.CALL_CANCELLED || r.kind() == PushKind.MISSED_CALL) {
            root.put("video", r.video());
        }
        root.put("sent-at", r.sentAt().toEpochMilli());
        root.put("deadline", r.deadline().toEpochMilli());
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise APNs payload", e);
        }
    }

    private static void alert(ObjectNode aps, String title, String body) {
        ObjectNode alert = aps.putObject("alert");
        alert.put("title", title);
        alert.put("body", body);
    }

    private static void putIfNotNull(ObjectNode node, String field, String value) {
        if (value != null) node.put(field, value);
    }

    /** What the user sees as the other party: the display name, else the caller's URI without scheme and parameters. */
    static String who(String name, String caller) {
        if (name != null && !name.isBlank()) return name.strip();
        if (caller != null && !caller.isBlank()) {
            String c = caller.strip();
            if (c.startsWith("<") && c.endsWith(">")) c = c.substring(1, c.length() - 1);
            int colon = c.indexOf(':');
            if (colon >= 0 && c.regionMatches(true, 0, "sip", 0, 3)) c = c.substring(colon + 1);
            int semi = c.indexOf(';');
            if (semi >= 0) c = c.substring(0, semi);
            if (!c.isEmpty()) return c;
        }
        return "unknown caller";
    }
}
