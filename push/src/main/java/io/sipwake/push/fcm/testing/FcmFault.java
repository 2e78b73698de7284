package io.sipwake.push.fcm.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.Map;

/**
 * An error answer {@link FakeFcmServer} gives instead of accepting a message (or a token request), shaped like
 * the real ones:
 * <pre>{@code
 * HTTP/1.1 404
 * {"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND",
 *           "details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"UNREGISTERED"}]}}
 * }</pre>
 *
 * @param status  HTTP status
 * @param body    JSON body
 * @param headers extra response headers (e.g. {@code Retry-After})
 */
public record FcmFault(int status, String body, Map<String, String> headers) {

    static final String FCM_ERROR = "type.googleapis.com/google.firebase.fcm.v1.FcmError";
    private static final ObjectMapper JSON = new ObjectMapper();

    public FcmFault {
        headers = Map.copyOf(headers);
    }

    /** 404 NOT_FOUND / UNREGISTERED: the app instance is gone, the token will never work again. */
    public static FcmFault unregistered() {
        return fcm(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED");
    }

    /** 403 PERMISSION_DENIED / SENDER_ID_MISMATCH: the token belongs to another Firebase project. */
    public static FcmFault senderIdMismatch() {
        return fcm(403, "PERMISSION_DENIED", "SenderId mismatch", "SENDER_ID_MISMATCH");
    }

    /** 429 RESOURCE_EXHAUSTED / QUOTA_EXCEEDED, with {@code Retry-After} in whole seconds when not null. */
    public static FcmFault quotaExceeded(Duration retryAfter) {
        FcmFault f = fcm(429, "RESOURCE_EXHAUSTED",
                "Quota exceeded for quota metric 'Send requests' and limit 'Send requests per minute' of service "
                        + "'fcm.googleapis.com' for consumer 'project_number:000000000000'.", "QUOTA_EXCEEDED");
        return retryAfter == null ? f : f.withRetryAfter(retryAfter);
    }

    /** 503 UNAVAILABLE. */
    public static FcmFault unavailable() {
        return fcm(503, "UNAVAILABLE", "The service is currently unavailable.", "UNAVAILABLE");
    }

    /** 500 INTERNAL. */
    public static FcmFault internal() {
        return fcm(500, "INTERNAL", "Internal error encountered.", "INTERNAL");
    }

    /** 400 INVALID_ARGUMENT, as for a token that is not an FCM registration token. */
    public static FcmFault invalidToken() {
        return fcm(400, "INVALID_ARGUMENT", "The registration token is not a valid FCM registration token",
                "INVALID_ARGUMENT");
    }

    /** 401 UNAUTHENTICATED / THIRD_PARTY_AUTH_ERROR: the APNs certificate or web push key in Firebase is bad. */
    public static FcmFault thirdPartyAuthError() {
        return fcm(401, "UNAUTHENTICATED", "Auth error from APNS or Web Push Service", "THIRD_PARTY_AUTH_ERROR");
    }

    /** This fault with {@code Retry-After: <seconds>}. */
    public FcmFault withRetryAfter(Duration d) {
        java.util.HashMap<String, String> h = new java.util.HashMap<>(headers);
        h.put("Retry-After", Long.toString(d.toSeconds()));
        return new FcmFault(status, body, h);
    }

    /** An answer of the OAuth2 token endpoint: {@code {"error":…,"error_description":…}}. */
    public static FcmFault oauth(int status, String error, String description) {
        ObjectNode n = JSON.createObjectNode();
        n.put("error", error);
        n.put("error_description", description);
        return new FcmFault(status, n.toString(), Map.of());
    }

    /** A Google API error body with an FcmError detail (null errorCode: no details). */
    static FcmFault fcm(int code, String status, String message, String errorCode) {
        ObjectNode details = null;
        if (errorCode != null) {
            details = JSON.createObjectNode();
            details.put("@type", FCM_ERROR);
            details.put("errorCode", errorCode);
        }
        return google(code, status, message, details);
    }

    /** {@code {"error":{"code":…,"message":…,"status":…,"details":[detail]}}}. */
    static FcmFault google(int code, String status, String message, ObjectNode detail) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", code);
        error.put("message", message);
        error.put("status", status);
        if (detail != null) {
            ArrayNode details = error.putArray("details");
            details.add(detail);
        }
        return new FcmFault(code, root.toString(), Map.of());
    }
}
