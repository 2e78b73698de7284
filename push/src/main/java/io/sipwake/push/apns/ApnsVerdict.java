package io.sipwake.push.apns;

import java.util.Set;

/**
 * What an APNs answer means for sipwake (push-services.md §4.1, issue 3 item 7). A pure function of status and
 * reason, so the whole table is tested on its own.
 */
enum ApnsVerdict {
    /** 200. */
    ACCEPTED,
    /** 410 Unregistered: the token is dead; the binding may be pruned. */
    DEAD_TOKEN,
    /** 400 BadDeviceToken: dead if it is bad in the environment it belongs to (see probing). */
    BAD_DEVICE_TOKEN,
    /** Misconfiguration on sipwake's side (key, team, topic): alert the operator, never prune. */
    OPERATOR_ERROR,
    /** 403 ExpiredProviderToken: Pushy drops the connection and signs a fresh JWT; retry once. */
    EXPIRED_PROVIDER_TOKEN,
    /** 429, 5xx, IdleTimeout: try again later while the deadline allows. */
    TRANSIENT,
    /** Anything else (malformed request, payload errors): permanent, neither dead nor operator. */
    REJECTED;

    private static final Set<String> OPERATOR_REASONS = Set.of(
            "DeviceTokenNotForTopic", "TopicDisallowed", "BadTopic",
            "BadCertificate", "BadCertificateEnvironment", "Forbidden",
            "InvalidProviderToken", "MissingProviderToken");

    static ApnsVerdict of(boolean accepted, int status, String reason) {
        if (accepted) return ACCEPTED;
        if ("Unregistered".equals(reason) || status == 410) return DEAD_TOKEN;
        if ("BadDeviceToken".equals(reason)) return BAD_DEVICE_TOKEN;
        if ("ExpiredProviderToken".equals(reason)) return EXPIRED_PROVIDER_TOKEN;
        if (reason != null && OPERATOR_REASONS.contains(reason)) return OPERATOR_ERROR;
        if (status == 403) return OPERATOR_ERROR; // an authentication failure with a reason we do not know
        if (status == 429 || status >= 500 || "IdleTimeout".equals(reason)) return TRANSIENT;
        return REJECTED;
    }

    /** A line for the operator's log saying what to check, or "" when there is nothing to add. */
    static String hint(String reason, String teamId, String topic, boolean sandbox) {
        if (reason == null) return "";
        String env = sandbox ? "sandbox" : "production";
        return switch (reason) {
            case "DeviceTokenNotForTopic" -> "the token was not issued for topic " + topic
                    + " (wrong bundle id in pn-param, or a PushKit and a remote token swapped)";
            case "TopicDisallowed", "BadTopic" -> "topic " + topic + " is not allowed for team " + teamId
                    + "'s key; check the bundle ids configured for the team";
            case "InvalidProviderToken", "MissingProviderToken" -> "APNs refused the JWT of team " + teamId
                    + "; check its key id, team id and .p8 file";
            case "ExpiredProviderToken" -> "APNs says team " + teamId + "'s JWT expired twice in a row; check the clock";
            case "BadCertificate", "BadCertificateEnvironment", "Forbidden" -> "APNs refused the credentials of team "
                    + teamId + " in " + env;
            case "BadDeviceToken" -> "the token is not valid in " + env
                    + "; a debug build registering with pn-provider=apns (or a release build with apns.dev) looks like this";
            default -> "";
        };
    }
}
