package io.sipwake.push.apns;

import io.sipwake.push.RetryPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Configuration of an {@link ApnsPushSender}: the Apple developer teams whose apps sipwake pushes to, the two
 * APNs environments, and how connections and retries behave.
 *
 * <p>Only token authentication is supported: each team has one {@code .p8} signing key (ES256), which serves
 * every app of that team in both environments. The RFC 8599 {@code pn-param} of a binding
 * ({@code <TeamID>.<bundle id>[.voip|.remote|.voip&remote]}) selects the team, hence the key, and the topic.
 *
 * @param teams                 the teams, at least one; team ids are unique and a bundle id belongs to one team only
 * @param production            where pushes for {@code pn-provider=apns} go (default Apple's production host)
 * @param sandbox               where pushes for {@code pn-provider=apns.dev} / sandbox bindings go (default Apple's
 *                              development host)
 * @param connection            connection tuning shared by all clients
 * @param retry                 retry policy for transient failures (429, 5xx, connection loss); retries also stop at
 *                              the push's deadline
 * @param probeOtherEnvironment on {@code BadDeviceToken}, send the same push once to the other environment to learn
 *                              where the token belongs: accepted there means the push is delivered (and the binding's
 *                              pn-provider is wrong, logged); {@code BadDeviceToken}/{@code Unregistered} there too
 *                              means the token is dead. When false, {@code BadDeviceToken} is taken as dead at once,
 *                              trusting the environment the binding asked for.
 */
public record ApnsSettings(
        List<Team> teams,
        Endpoint production,
        Endpoint sandbox,
        Connection connection,
        RetryPolicy retry,
        boolean probeOtherEnvironment) {

    /** 5 attempts, 250 ms doubling up to 4 s. */
    public static final RetryPolicy DEFAULT_RETRY = new RetryPolicy(5, Duration.ofMillis(250), Duration.ofSeconds(4));

    public ApnsSettings {
        Objects.requireNonNull(teams, "teams");
        Objects.requireNonNull(production, "production");
        Objects.requireNonNull(sandbox, "sandbox");
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(retry, "retry");
        teams = List.copyOf(teams);
        if (teams.isEmpty()) throw new IllegalArgumentException("APNs: at least one team must be configured");
        Set<String> teamIds = new HashSet<>();
        Map<String, String> teamByBundle = new HashMap<>();
        for (Team team : teams) {
            if (!teamIds.add(team.teamId())) {
                throw new IllegalArgumentException("APNs: team " + team.teamId() + " is configured twice");
            }
            for (String bundle : team.bundleIds()) {
                String other = teamByBundle.putIfAbsent(bundle, team.teamId());
                if (other != null) {
                    throw new IllegalArgumentException("APNs: bundle id " + bundle + " is listed under teams " + other
                            + " and " + team.teamId() + "; a bundle id belongs to one team");
                }
            }
        }
    }

    /** Settings with Apple's hosts, default connection settings, default retries and environment probing on. */
    public static ApnsSettings of(List<Team> teams) {
        return new ApnsSettings(teams, Endpoint.PRODUCTION, Endpoint.SANDBOX, Connection.DEFAULT, DEFAULT_RETRY, true);
    }

    /** Same as {@link #of(List)}. */
    public static ApnsSettings of(Team... teams) {
        return of(List.of(teams));
    }

    public ApnsSettings withProduction(Endpoint endpoint) {
        return new ApnsSettings(teams, endpoint, sandbox, connection, retry, probeOtherEnvironment);
    }

    public ApnsSettings withSandbox(Endpoint endpoint) {
        return new ApnsSettings(teams, production, endpoint, connection, retry, probeOtherEnvironment);
    }

    public ApnsSettings withConnection(Connection value) {
        return new ApnsSettings(teams, production, sandbox, value, retry, probeOtherEnvironment);
    }

    public ApnsSettings withRetry(RetryPolicy value) {
        return new ApnsSettings(teams, production, sandbox, connection, value, probeOtherEnvironment);
    }

    public ApnsSettings withProbeOtherEnvironment(boolean value) {
        return new ApnsSettings(teams, production, sandbox, connection, retry, value);
    }

    /** The endpoint of one environment. */
    public Endpoint endpoint(boolean sandboxEnvironment) {
        return sandboxEnvironment ? sandbox : production;
    }

    /**
     * One Apple developer team and the apps of it that sipwake serves.
     *
     * @param teamId         Apple's team id (the first label of pn-param)
     * @param keyId          the id of the APNs auth key ({@code kid} of the JWT)
     * @param signingKeyFile the {@code AuthKey_<keyId>.p8} file (PKCS#8 PEM) downloaded from Apple
     * @param bundleIds      the bare bundle ids of the team's apps (no {@code .voip}: the VoIP topic is derived)
     */
    public record Team(String teamId, String keyId, Path signingKeyFile, Set<String> bundleIds) {
        public Team {
            teamId = requireLabel(teamId, "teamId");
            keyId = requireLabel(keyId, "keyId");
            Objects.requireNonNull(signingKeyFile, "signingKeyFile");
            Objects.requireNonNull(bundleIds, "bundleIds");
            bundleIds = Set.copyOf(bundleIds);
            if (bundleIds.isEmpty()) {
                throw new IllegalArgumentException("APNs team " + teamId + ": list at least one bundle id");
            }
            for (String bundle : bundleIds) {
                if (bundle.isBlank() || bundle.contains("&") || bundle.contains(" ")) {
                    throw new IllegalArgumentException("APNs team " + teamId + ": bad bundle id '" + bundle + "'");
                }
                if (ApnsTarget.hasServiceSuffix(bundle)) {
                    throw new IllegalArgumentException("APNs team " + teamId + ": list the bare bundle id instead of '"
                            + bundle + "'; the .voip topic is derived from it");
                }
            }
        }

        private static String requireLabel(String value, String name) {
            Objects.requireNonNull(value, name);
            String v = value.trim();
            if (v.isEmpty() || v.contains(".")) {
                throw new IllegalArgumentException("APNs: " + name + " '" + value + "' must be non-empty and have no dot");
            }
            return v;
        }
    }

    /**
     * An APNs server.
     *
     * @param host                     host name
     * @param port                     443 or Apple's alternate 2197
     * @param trustedServerCertificate a PEM file with the certificate(s) to trust instead of the JDK's trust store
     *                                 (tests, TLS-intercepting proxies), or null
     */
    public record Endpoint(String host, int port, Path trustedServerCertificate) {
        public static final Endpoint PRODUCTION = new Endpoint("api.push.apple.com", 443, null);
        public static final Endpoint SANDBOX = new Endpoint("api.sandbox.push.apple.com", 443, null);

        public Endpoint {
            Objects.requireNonNull(host, "host");
            if (host.isBlank()) throw new IllegalArgumentException("APNs endpoint host is blank");
            if (port < 1 || port > 65535) throw new IllegalArgumentException("APNs endpoint port " + port);
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /**
     * Connection settings, applied to each client (one client per team and environment).
     *
     * @param concurrentConnections   HTTP/2 connections per client (each carries many concurrent streams)
     * @param connectTimeout          TCP+TLS connect timeout
     * @param idlePingInterval        PING an idle connection this often, to keep it alive and notice when it is dead
     * @param gracefulShutdownTimeout how long {@link ApnsPushSender#close()} waits for pushes in flight
     * @param eventLoopThreads        Netty event loop threads shared by all APNs clients (and retry timers)
     */
    public record Connection(int concurrentConnections, Duration connectTimeout, Duration idlePingInterval,
                             Duration gracefulShutdownTimeout, int eventLoopThreads) {
        public static final Connection DEFAULT =
                new Connection(1, Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofSeconds(5), 1);

        public Connection {
            if (concurrentConnections < 1) throw new IllegalArgumentException("concurrentConnections < 1");
            if (eventLoopThreads < 1) throw new IllegalArgumentException("eventLoopThreads < 1");
            requirePositive(connectTimeout, "connectTimeout");
            requirePositive(idlePingInterval, "idlePingInterval");
            Objects.requireNonNull(gracefulShutdownTimeout, "gracefulShutdownTimeout");
            if (gracefulShutdownTimeout.isNegative()) throw new IllegalArgumentException("gracefulShutdownTimeout < 0");
        }
    }


    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive");
    }
}
