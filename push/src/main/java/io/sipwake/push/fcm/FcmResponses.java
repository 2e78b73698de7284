package io.sipwake.push.fcm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sipwake.push.PushResult;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads FCM HTTP v1 answers. An error answer looks like
 * <pre>{@code
 * {"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND",
 *           "details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"UNREGISTERED"}]}}
 * }</pre>
 * The FCM-specific {@code errorCode} decides when present; else the HTTP status does. See {@link FcmPushSender}
 * for the table.
 */
final class FcmResponses {

    static final String FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError";

    private FcmResponses() {}

    /** What to do with an answer. */
    sealed interface Verdict {
        /** Final: report {@code result}. {@code detail} is the provider's message, for the log. */
        record Done(PushResult result, String detail) implements Verdict {}

        /** Transient: try again after at least {@code retryAfter} (null: our own backoff). */
        record Retry(String reason, Duration retryAfter, String detail) implements Verdict {}

        /** The access token was refused (401 without an FCM error code): get a fresh token and try once more. */
        record Reauthenticate(String reason, String detail) implements Verdict {}
    }

    /** The parts of an error body; any may be null when FCM (or a proxy in front of it) sent something else. */
    record FcmError(String status, String message, String errorCode) {
        /** The most specific code: the FCM {@code errorCode}, else the canonical {@code status}. */
        String code() {
            if (errorCode != null && !errorCode.equals("UNSPECIFIED_ERROR")) return errorCode;
            return status;
        }
    }

    static Verdict classify(int status, String body, String retryAfterHeader, Instant now, ObjectMapper json) {
        if (status >= 200 && status < 300) {
            String name = null;
            try {
                JsonNode n = json.readTree(body == null ? "" : body);
                if (n != null && n.path("name").isTextual()) name = n.get("name").asText();
            } catch (java.io.IOException | RuntimeException ignored) {
                // FCM took the message; an unreadable body only loses the message name
            }
            return new Verdict.Done(new PushResult.Accepted(name, status), null);
        }
        FcmError error = parseError(body, json);
        String code = error.code();
        String reason = code != null ? code : "HTTP_" + status;
        String detail = error.message();
        if (code != null) {
            Verdict byCode = switch (code) {
                case "UNREGISTERED" -> rejected(status, code, true, false, detail);
                case "SENDER_ID_MISMATCH", "THIRD_PARTY_AUTH_ERROR" -> rejected(status, code, false, true, detail);
                // A malformed token and a malformed message look the same: never prune on it.
                case "INVALID_ARGUMENT" -> rejected(status, code, false, false, detail);
                case "QUOTA_EXCEEDED", "UNAVAILABLE", "INTERNAL" ->
                        new Verdict.Retry(code, parseRetryAfter(retryAfterHeader, now), detail);
                default -> null;
            };
            if (byCode != null) return byCode;
        }
        if (status == 401) return new Verdict.Reauthenticate(reason, detail);
        if (status == 403 || status == 404) {
            // 403 PERMISSION_DENIED: the service account may not send for the project (or the scope is missing);
            // 404 without UNREGISTERED: wrong project id or API URL. Neither says anything about the token.
            return rejected(status, reason, false, true, detail);
        }
        if (status == 408 || status == 429 || status >= 500) {
            return new Verdict.Retry(reason, parseRetryAfter(retryAfterHeader, now), detail);
        }
        return rejected(status, reason, false, false, detail);
    }

    private static Verdict rejected(int status, String reason, boolean dead, boolean operator, String detail) {
        return new Verdict.Done(new PushResult.Rejected(status, reason, dead, operator, null), detail);
    }

    static FcmError parseError(String body, ObjectMapper json) {
        if (body == null || body.isBlank()) return new FcmError(null, null, null);
        JsonNode error;
        try {
            error = json.readTree(body).path("error");
        } catch (java.io.IOException | RuntimeException e) {
            return new FcmError(null, abbreviate(body), null);
        }
        if (!error.isObject()) return new FcmError(null, abbreviate(body), null);
        String status = text(error.get("status"));
        String message = text(error.get("message"));
        String errorCode = null;
        for (JsonNode d : error.path("details")) {
            String code = text(d.get("errorCode"));
            if (code == null) continue;
            if (FCM_ERROR_TYPE.equals(text(d.get("@type")))) {
                errorCode = code;
                break;
            }
            if (errorCode == null) errorCode = code;
        }
        return new FcmError(status, message, errorCode);
    }

    /**
     * {@code Retry-After} as delta-seconds or an HTTP-date, null when absent or unreadable; never negative.
     */
    static Duration parseRetryAfter(String value, Instant now) {
        if (value == null) return null;
        String v = value.trim();
        if (v.isEmpty()) return null;
        try {
            long seconds = Long.parseLong(v);
            return Duration.ofSeconds(Math.max(0, seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(now, at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    private static String text(JsonNode n) {
        return n != null && n.isTextual() ? n.asText() : null;
    }

    private static String abbreviate(String s) {
        String oneLine = s.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "…";
    }
}
