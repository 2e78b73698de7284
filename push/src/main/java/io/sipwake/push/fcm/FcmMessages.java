package io.sipwake.push.fcm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sipwake.push.PushKind;
import io.sipwake.push.PushRequest;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the FCM HTTP v1 request body for a {@link PushRequest}. Pure functions; see {@link FcmPushSender} for
 * the format.
 */
final class FcmMessages {

    /** FCM's largest ttl: 4 weeks. */
    static final Duration MAX_TTL = Duration.ofDays(28);

    /** Collapse key of registration-refresh pushes without one of their own: one pending refresh is enough. */
    static final String REFRESH_COLLAPSE_KEY = "sipwake-registration-refresh";

    private final ObjectMapper json;
    private final FcmSettings settings;

    FcmMessages(ObjectMapper json, FcmSettings settings) {
        this.json = json;
        this.settings = settings;
    }

    /** The {@code data} map: string values only, absent values left out. */
    static Map<String, String> data(PushRequest r) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("type", type(r.kind()));
        putIfPresent(data, "call-id", r.callId());
        putIfPresent(data, "uuid", r.callUuid());
        putIfPresent(data, "caller", r.caller());
        putIfPresent(data, "caller-name", r.callerName());
        if (r.kind() == PushKind.CALL || r.kind() == PushKind.MISSED_CALL || r.kind() == PushKind.CALL_CANCELLED) {
            data.put("video", Boolean.toString(r.video()));
        }
        data.put("sent-at", Long.toString(r.sentAt().toEpochMilli()));
        data.put("deadline", Long.toString(r.deadline().toEpochMilli()));
        return data;
    }

    /** The {@code type} value: the kind in lower case with dashes ({@code call}, {@code missed-call}, …). */
    static String type(PushKind kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * How long FCM keeps the message for an offline device: the time left until the deadline (never negative,
     * whole seconds rounded down so a push never outlives its call), raised to {@code lingeringTtl} for missed
     * calls and registration refreshes, at most 28 days.
     */
    static Duration ttl(PushRequest r, Instant now, Duration lingeringTtl) {
        Duration left = Duration.between(now, r.deadline());
        if (left.isNegative()) left = Duration.ZERO;
        if (r.kind() == PushKind.MISSED_CALL || r.kind() == PushKind.REGISTRATION_REFRESH) {
            if (left.compareTo(lingeringTtl) < 0) left = lingeringTtl;
        }
        if (left.compareTo(MAX_TTL) > 0) left = MAX_TTL;
        return Duration.ofSeconds(left.getSeconds());
    }

    /** The v1 duration format: whole seconds followed by {@code s}. */
    static String ttlJson(Duration ttl) {
        return ttl.getSeconds() + "s";
    }

    /**
     * The collapse key: the request's own, else the Call-ID for call-related kinds (so a cancel or missed-call
     * push replaces an undelivered call push), else a fixed key for registration refreshes, else none.
     */
    static String collapseKey(PushRequest r) {
        if (r.collapseKey() != null && !r.collapseKey().isEmpty()) return r.collapseKey();
        return switch (r.kind()) {
            case CALL, CALL_CANCELLED, MISSED_CALL -> r.callId();
            case REGISTRATION_REFRESH -> REFRESH_COLLAPSE_KEY;
            case MESSAGE -> null;
        };
    }

    /** The request body for {@code messages:send}, with the ttl computed at {@code now}. */
    byte[] body(PushRequest r, Instant now) {
        ObjectNode root = json.createObjectNode();
        ObjectNode message = root.putObject("message");
        message.put("token", r.prid());
        ObjectNode data = message.putObject("data");
        data(r).forEach(data::put);
        ObjectNode android = message.putObject("android");
        android.put("priority", settings.priorities().get(r.kind()).json());
        android.put("ttl", ttlJson(ttl(r, now, settings.lingeringTtl())));
        String collapseKey = collapseKey(r);
        if (collapseKey != null) android.put("collapse_key", collapseKey);
        android.put("direct_boot_ok", true);
        try {
            return json.writeValueAsBytes(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise an FCM message", e); // cannot happen for a tree of strings
        }
    }

    private static void putIfPresent(Map<String, String> data, String key, String value) {
        if (value != null) data.put(key, value);
    }
}
