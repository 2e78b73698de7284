package io.sipwake.push.fcm;

import io.sipwake.push.RetryPolicy;
import io.sipwake.push.PushKind;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Configuration of an {@link FcmPushSender}: the Firebase projects it may send for, where the FCM HTTP v1 API
 * is, and how long it may try.
 *
 * <p>Start from {@link #of(List)} (or {@link #of(Project...)}), which fills in the defaults, and adjust with the
 * {@code with…} methods:
 * <pre>{@code
 * FcmSettings settings = FcmSettings.of(
 *         FcmSettings.Project.of("acme-phone", Path.of("/etc/sipwake/acme-phone-sa.json"), "929724111839"))
 *     .withRequestTimeout(Duration.ofSeconds(5));
 * }</pre>
 *
 * @param projects           the Firebase projects, at least one. A push's {@code pn-param} selects one by its
 *                           project id (what RFC 8599 §12 says {@code pn-param} is for FCM) or by one of its
 *                           numeric sender ids (what Linphone Android sends)
 * @param apiBaseUrl         scheme, host and port of the FCM HTTP v1 API; {@link #DEFAULT_API_BASE_URL} in
 *                           production, the fake's address in tests. Requests go to
 *                           {@code {apiBaseUrl}/v1/projects/{projectId}/messages:send}
 * @param requestTimeout     the most one HTTP attempt (and the wait for an OAuth2 access token) may take
 * @param tokenRefreshMargin how long before its expiry an access token is replaced, in the background, while
 *                           pushes keep using it (Flexisip uses 5 minutes)
 * @param lingeringTtl       the smallest FCM {@code ttl} for {@link PushKind#MISSED_CALL} and
 *                           {@link PushKind#REGISTRATION_REFRESH} pushes, which stay useful after the call
 *                           (a phone that is offline for a while should still get them)
 * @param retry              how 429 / 5xx / network failures are retried; retries also stop at the push's
 *                           deadline
 * @param priorities         the Android priority for each {@link PushKind}; every kind must be present
 */
public record FcmSettings(
        List<Project> projects,
        URI apiBaseUrl,
        Duration requestTimeout,
        Duration tokenRefreshMargin,
        Duration lingeringTtl,
        RetryPolicy retry,
        Map<PushKind, Priority> priorities) {

    /** The production FCM API. */
    public static final URI DEFAULT_API_BASE_URL = URI.create("https://fcm.googleapis.com");
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_TOKEN_REFRESH_MARGIN = Duration.ofMinutes(5);
    public static final Duration DEFAULT_LINGERING_TTL = Duration.ofHours(1);

    /**
     * Default priorities: user-visible events (a call, a message, a missed call) are {@code high}; events the
     * app handles silently (a cancelled call, a registration refresh) are {@code normal}, because FCM demotes
     * apps whose high-priority messages do not lead to a visible notification.
     */
    public static final Map<PushKind, Priority> DEFAULT_PRIORITIES = Collections.unmodifiableMap(new EnumMap<>(Map.of(
            PushKind.CALL, Priority.HIGH,
            PushKind.MESSAGE, Priority.HIGH,
            PushKind.MISSED_CALL, Priority.HIGH,
            PushKind.CALL_CANCELLED, Priority.NORMAL,
            PushKind.REGISTRATION_REFRESH, Priority.NORMAL)));

    /** 5 attempts, 200 ms doubling up to 5 s. */
    public static final RetryPolicy DEFAULT_RETRY = new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(5));

    public FcmSettings {
        Objects.requireNonNull(projects, "projects");
        if (projects.isEmpty()) throw new IllegalArgumentException("FCM: at least one project must be configured");
        projects = List.copyOf(projects);
        Map<String, String> names = new HashMap<>();
        for (Project p : projects) {
            claim(names, p.projectId(), "project " + p.projectId());
            for (String sender : p.senderIds()) claim(names, sender, "sender id " + sender + " of project " + p.projectId());
        }
        Objects.requireNonNull(apiBaseUrl, "apiBaseUrl");
        String scheme = apiBaseUrl.getScheme() == null ? "" : apiBaseUrl.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || apiBaseUrl.getHost() == null
                || apiBaseUrl.getRawQuery() != null || apiBaseUrl.getRawFragment() != null) {
            throw new IllegalArgumentException("FCM: apiBaseUrl must be an http(s) URL without query, e.g. "
                    + DEFAULT_API_BASE_URL + ", not " + apiBaseUrl);
        }
        String base = apiBaseUrl.toString();
        while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
        apiBaseUrl = URI.create(base);
        requirePositive(requestTimeout, "requestTimeout");
        Objects.requireNonNull(tokenRefreshMargin, "tokenRefreshMargin");
        if (tokenRefreshMargin.isNegative() || tokenRefreshMargin.compareTo(Duration.ofMinutes(30)) > 0) {
            throw new IllegalArgumentException("FCM: tokenRefreshMargin must be between 0 and 30 minutes (access tokens live 1 hour)");
        }
        Objects.requireNonNull(lingeringTtl, "lingeringTtl");
        if (lingeringTtl.isNegative() || lingeringTtl.compareTo(FcmMessages.MAX_TTL) > 0) {
            throw new IllegalArgumentException("FCM: lingeringTtl must be between 0 and 28 days (FCM's maximum ttl)");
        }
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(priorities, "priorities");
        EnumMap<PushKind, Priority> copy = new EnumMap<>(PushKind.class);
        copy.putAll(priorities);
        for (PushKind kind : PushKind.values()) {
            if (copy.get(kind) == null) throw new IllegalArgumentException("FCM: no priority for push kind " + kind);
        }
        priorities = Collections.unmodifiableMap(copy);
    }

    /** Settings with the defaults: production API, 10 s per request, refresh 5 min early, 1 h lingering ttl. */
    public static FcmSettings of(List<Project> projects) {
        return new FcmSettings(projects, DEFAULT_API_BASE_URL, DEFAULT_REQUEST_TIMEOUT, DEFAULT_TOKEN_REFRESH_MARGIN,
                DEFAULT_LINGERING_TTL, DEFAULT_RETRY, DEFAULT_PRIORITIES);
    }

    public static FcmSettings of(Project... projects) {
        return of(List.of(projects));
    }

    public FcmSettings withApiBaseUrl(URI url) {
        return new FcmSettings(projects, url, requestTimeout, tokenRefreshMargin, lingeringTtl, retry, priorities);
    }

    public FcmSettings withRequestTimeout(Duration timeout) {
        return new FcmSettings(projects, apiBaseUrl, timeout, tokenRefreshMargin, lingeringTtl, retry, priorities);
    }

    public FcmSettings withTokenRefreshMargin(Duration margin) {
        return new FcmSettings(projects, apiBaseUrl, requestTimeout, margin, lingeringTtl, retry, priorities);
    }

    public FcmSettings withLingeringTtl(Duration ttl) {
        return new FcmSettings(projects, apiBaseUrl, requestTimeout, tokenRefreshMargin, ttl, retry, priorities);
    }

    public FcmSettings withRetry(RetryPolicy r) {
        return new FcmSettings(projects, apiBaseUrl, requestTimeout, tokenRefreshMargin, lingeringTtl, r, priorities);
    }

    public FcmSettings withPriority(PushKind kind, Priority priority) {
        EnumMap<PushKind, Priority> copy = new EnumMap<>(priorities);
        copy.put(Objects.requireNonNull(kind, "kind"), Objects.requireNonNull(priority, "priority"));
        return new FcmSettings(projects, apiBaseUrl, requestTimeout, tokenRefreshMargin, lingeringTtl, retry, copy);
    }

    private static void claim(Map<String, String> names, String name, String what) {
        String before = names.putIfAbsent(name, what);
        if (before != null) {
            throw new IllegalArgumentException("FCM: '" + name + "' is configured twice (" + before + ", " + what + ")");
        }
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("FCM: " + name + " must be positive");
    }

    /**
     * One Firebase project.
     *
     * @param projectId          the Firebase / Google Cloud project id ({@code my-app-1a2b3}), used in the API path
     * @param serviceAccountFile the service-account JSON key downloaded from the Firebase console (Project
     *                           settings → Service accounts). Its {@code token_uri} is where access tokens come
     *                           from. Legacy "server keys" no longer work and are refused.
     * @param senderIds          numeric sender ids (= project numbers) that also select this project; Linphone
     *                           Android puts the sender id in {@code pn-param}. May be empty.
     */
    public record Project(String projectId, Path serviceAccountFile, Set<String> senderIds) {

        private static final Pattern PROJECT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,99}");
        private static final Pattern SENDER_ID = Pattern.compile("[0-9]{1,30}");

        public Project {
            Objects.requireNonNull(projectId, "projectId");
            if (!PROJECT_ID.matcher(projectId).matches()) {
                throw new IllegalArgumentException("FCM: invalid project id '" + projectId
                        + "' (expected the Firebase project id, e.g. my-app-1a2b3)");
            }
            Objects.requireNonNull(serviceAccountFile, "serviceAccountFile of project " + projectId);
            Objects.requireNonNull(senderIds, "senderIds");
            for (String s : senderIds) {
                if (s == null || !SENDER_ID.matcher(s).matches()) {
                    throw new IllegalArgumentException("FCM: sender id '" + s + "' of project " + projectId
                            + " is not numeric (the sender id is the project number, e.g. 929724111839)");
                }
            }
            senderIds = Collections.unmodifiableSet(new LinkedHashSet<>(senderIds));
        }

        public static Project of(String projectId, Path serviceAccountFile, String... senderIds) {
            return new Project(projectId, serviceAccountFile, new LinkedHashSet<>(Arrays.asList(senderIds)));
        }
    }


    /** FCM's {@code android.priority}. */
    public enum Priority {
        /** Delivered at once, wakes the device from Doze; FCM demotes apps that use it without showing anything. */
        HIGH,
        /** Delivered when convenient for the battery (may wait for a Doze maintenance window). */
        NORMAL;

        /** The value in the v1 JSON: {@code high} or {@code normal}. */
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
