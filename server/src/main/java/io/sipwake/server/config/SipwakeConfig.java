package io.sipwake.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The whole configuration file (YAML, keys in kebab-case). Every key has a default, so an empty
 * file, or no file at all, runs a standalone registrar and proxy on port 5060 (UDP and TCP) with
 * its bindings in {@code ./data/sipwake.db}. {@code config/sipwake.example.yaml} documents each key.
 */
public record SipwakeConfig(Sip sip, Registrar registrar, Push push, Store store, Admin admin, Edge edge, Logging logging) {

    public static SipwakeConfig defaults() {
        return new SipwakeConfig(null, null, null, null, null, null, null);
    }

    /** The configuration without {@code edge} and {@code logging} sections (standalone, text logs). */
    public SipwakeConfig(Sip sip, Registrar registrar, Push push, Store store, Admin admin) {
        this(sip, registrar, push, store, admin, null, null);
    }

    public SipwakeConfig {
        sip = sip == null ? Sip.defaults() : sip;
        registrar = registrar == null ? Registrar.defaults() : registrar;
        push = push == null ? Push.defaults() : push;
        store = store == null ? Store.defaults() : store;
        admin = admin == null ? Admin.defaults() : admin;
        edge = edge == null ? Edge.defaults() : edge;
        logging = logging == null ? Logging.defaults() : logging;
    }

    /**
     * Edge mode: sipwake in front of existing registrars/PBXs ({@code io.sipwake.proxy.edge}). REGISTERs for the
     * domains of an upstream are forwarded to it instead of being handled by sipwake's own registrar.
     *
     * @param lapsedPushRetention how long a push binding is kept after the upstream's registration lapsed, so that a
     *                            call the PBX still sends to sipwake wakes the phone
     */
    public record Edge(List<Upstream> upstreams, @JsonProperty("lapsed-push-retention") Duration lapsedPushRetention) {
        static Edge defaults() {
            return new Edge(null, null);
        }

        public Edge {
            upstreams = upstreams == null ? List.of() : List.copyOf(upstreams);
            lapsedPushRetention = lapsedPushRetention == null ? Duration.ofDays(1) : lapsedPushRetention;
        }
    }

    /**
     * One upstream registrar/PBX: its {@code sip:} URI, the AOR domains it serves (empty: every domain), how calls come
     * back through sipwake ({@code path}, RFC 3327, or {@code contact-rewrite}), and whether a REGISTER naming a push
     * provider sipwake lacks is forwarded (the PBX may push itself) or answered 555.
     */
    public record Upstream(String uri, List<String> domains, String mode,
            @JsonProperty("unsupported-providers") String unsupportedProviders) {
        public Upstream {
            domains = domains == null ? List.of() : List.copyOf(domains);
            mode = mode == null ? "path" : mode;
            unsupportedProviders = unsupportedProviders == null ? "forward" : unsupportedProviders;
        }
    }

    /**
     * The admin HTTP API and Prometheus metrics ({@code io.sipwake.server.admin}). Off by default. Without
     * {@code token-file} nothing is authenticated, so {@code address} must then be a loopback address.
     */
    public record Admin(Boolean enabled, String address, Integer port, @JsonProperty("token-file") Path tokenFile) {
        static Admin defaults() {
            return new Admin(null, null, null, null);
        }

        public Admin {
            enabled = enabled == null ? Boolean.FALSE : enabled;
            address = address == null ? "127.0.0.1" : address;
            port = port == null ? 8089 : port;
        }
    }

    /**
     * RFC 8599 push wake-up. Without {@code apns}, {@code fcm} or {@code http.allow-hosts} sipwake pushes to nobody and
     * registers push parameters as plain Contact parameters.
     */
    public record Push(
            @JsonProperty("call-timeout") Duration callTimeout,
            @JsonProperty("message-timeout") Duration messageTimeout,
            @JsonProperty("min-expires") Integer minExpires,
            @JsonProperty("cancel-push") Boolean cancelPush,
            @JsonProperty("missed-call-push") Boolean missedCallPush,
            @JsonProperty("late-invite-cancel") Boolean lateInviteCancel,
            @JsonProperty("refresh-push-before") Duration refreshPushBefore,
            Apns apns,
            Fcm fcm,
            Http http,
            WebPush webpush) {

        static Push defaults() {
            return new Push(null, null, null, null, null, null, null, null, null, null, null);
        }

        public Push {
            callTimeout = callTimeout == null ? Duration.ofSeconds(30) : callTimeout;
            messageTimeout = messageTimeout == null ? Duration.ofSeconds(20) : messageTimeout;
            minExpires = minExpires == null ? 600 : minExpires;
            cancelPush = cancelPush == null ? Boolean.TRUE : cancelPush;
            http = http == null ? Http.defaults() : http;
            missedCallPush = missedCallPush == null ? Boolean.FALSE : missedCallPush;
            lateInviteCancel = lateInviteCancel == null ? Boolean.FALSE : lateInviteCancel;
            refreshPushBefore = refreshPushBefore == null ? Duration.ofSeconds(150) : refreshPushBefore;
        }
    }

    /**
     * Plain HTTP(S) wake-up URLs ({@code X-PUSH-URI}, pn-provider {@code x-push-uri}): sipwake POSTs to the URL the
     * phone registered, but only where {@code allow-hosts} lets it (host-name suffixes such as {@code push.example.com},
     * CIDR blocks such as {@code 203.0.113.0/24}). Empty (the default) turns the sender off. Loopback, private,
     * link-local and multicast addresses are refused unless a CIDR entry covers them.
     */
    public record Http(@JsonProperty("allow-hosts") List<String> allowHosts, Duration timeout) {
        static Http defaults() {
            return new Http(null, null);
        }

        public Http {
            allowHosts = allowHosts == null ? List.of() : List.copyOf(allowHosts);
            timeout = timeout == null ? Duration.ofSeconds(5) : timeout;
        }

        /** Whether the sender runs: only with a non-empty allow-list. */
        public boolean enabled() {
            return !allowHosts.isEmpty();
        }
    }

    /**
     * WebPush (RFC 8030) for web and UnifiedPush phones ({@code pn-provider=webpush}, the subscription URI as
     * {@code pn-prid}), signed with sipwake's VAPID key (RFC 8292), whose public half the 2xx to REGISTER carries as
     * {@code +sip.vapid}. Subscription URIs are only called on {@code allow-hosts} (by default the browsers' push
     * services), never on private addresses unless a CIDR entry allows them.
     */
    public record WebPush(@JsonProperty("vapid-private-key") Path vapidPrivateKey, String subject,
            @JsonProperty("allow-hosts") List<String> allowHosts, Duration timeout) {
        public WebPush {
            allowHosts = allowHosts == null ? io.sipwake.push.webpush.WebPushSettings.KNOWN_PUSH_SERVICES : List.copyOf(allowHosts);
            timeout = timeout == null ? Duration.ofSeconds(5) : timeout;
        }
    }

    /** Apple Push Notification service, token authentication (.p8 keys). */
    public record Apns(List<ApnsTeam> teams, @JsonProperty("production-endpoint") Endpoint productionEndpoint,
            @JsonProperty("sandbox-endpoint") Endpoint sandboxEndpoint) {
        public Apns {
            teams = teams == null ? List.of() : List.copyOf(teams);
        }
    }

    /** One Apple developer team: its key and the apps (bundle ids) it signs pushes for. */
    public record ApnsTeam(@JsonProperty("team-id") String teamId, @JsonProperty("key-id") String keyId,
            @JsonProperty("signing-key") Path signingKey, @JsonProperty("bundle-ids") List<String> bundleIds) {
        public ApnsTeam {
            bundleIds = bundleIds == null ? List.of() : List.copyOf(bundleIds);
        }
    }

    /** A push service host to use instead of the real one (tests, proxies); {@code trust} is its CA certificate (PEM). */
    public record Endpoint(String host, Integer port, Path trust) {}

    /** Firebase Cloud Messaging HTTP v1. */
    public record Fcm(@JsonProperty("api-url") String apiUrl, List<FcmProject> projects) {
        public Fcm {
            projects = projects == null ? List.of() : List.copyOf(projects);
        }
    }

    /** One Firebase project: its service-account key and the sender ids (project numbers) phones may name. */
    public record FcmProject(@JsonProperty("project-id") String projectId, @JsonProperty("service-account") Path serviceAccount,
            @JsonProperty("sender-ids") List<String> senderIds) {
        public FcmProject {
            senderIds = senderIds == null ? List.of() : List.copyOf(senderIds);
        }
    }

    /** SIP transports, timers and limits. */
    public record Sip(
            String address,
            List<Listener> listen,
            @JsonProperty("advertised-host") String advertisedHost,
            List<String> aliases,
            @JsonProperty("resolve-names") Boolean resolveNames,
            Boolean relay,
            Tls tls,
            @JsonProperty("idle-timeout") Duration idleTimeout,
            @JsonProperty("io-threads") Integer ioThreads,
            Timers timers,
            Limits limits) {

        static Sip defaults() {
            return new Sip(null, null, null, null, null, null, null, null, null, null, null);
        }

        public Sip {
            address = address == null ? "0.0.0.0" : address;
            listen = listen == null ? List.of(new Listener("udp", 5060), new Listener("tcp", 5060)) : List.copyOf(listen);
            aliases = aliases == null ? List.of() : List.copyOf(aliases);
            resolveNames = resolveNames == null ? Boolean.TRUE : resolveNames;
            relay = relay == null ? Boolean.FALSE : relay;
            tls = tls == null ? new Tls(null, null, null) : tls;
            idleTimeout = idleTimeout == null ? Duration.ofMinutes(10) : idleTimeout;
            ioThreads = ioThreads == null ? 0 : ioThreads;
            timers = timers == null ? new Timers(null, null, null) : timers;
            limits = limits == null ? new Limits(null, null, null, null) : limits;
        }
    }

    /** One listening socket on {@code sip.address}: {@code transport} is udp, tcp, tls, ws or wss. */
    public record Listener(String transport, Integer port) {}

    /** PEM files for the TLS and WSS listeners; {@code trust} is an optional CA bundle for outgoing TLS. */
    public record Tls(Path certificate, @JsonProperty("private-key") Path privateKey, Path trust) {}

    /** RFC 3261 §17 timer base values. */
    public record Timers(Duration t1, Duration t2, Duration t4) {
        public Timers {
            t1 = t1 == null ? Duration.ofMillis(500) : t1;
            t2 = t2 == null ? Duration.ofSeconds(4) : t2;
            t4 = t4 == null ? Duration.ofSeconds(5) : t4;
        }
    }

    /** Parser limits: bigger messages are answered 513 or dropped. */
    public record Limits(
            @JsonProperty("max-message-bytes") Integer maxMessageBytes,
            @JsonProperty("max-header-bytes") Integer maxHeaderBytes,
            @JsonProperty("max-header-lines") Integer maxHeaderLines,
            @JsonProperty("max-line-bytes") Integer maxLineBytes) {
        public Limits {
            maxMessageBytes = maxMessageBytes == null ? 65_535 : maxMessageBytes;
            maxHeaderBytes = maxHeaderBytes == null ? 16_384 : maxHeaderBytes;
            maxHeaderLines = maxHeaderLines == null ? 256 : maxHeaderLines;
            maxLineBytes = maxLineBytes == null ? 8_192 : maxLineBytes;
        }
    }

    /** The standalone registrar (RFC 3261 §10). */
    public record Registrar(
            List<String> domains,
            String realm,
            Boolean authentication,
            @JsonProperty("digest-algorithms") List<String> digestAlgorithms,
            @JsonProperty("min-expires") Integer minExpires,
            @JsonProperty("default-expires") Integer defaultExpires,
            @JsonProperty("max-expires") Integer maxExpires,
            List<User> users) {

        static Registrar defaults() {
            return new Registrar(null, null, null, null, null, null, null, null);
        }

        public Registrar {
            domains = domains == null ? List.of() : List.copyOf(domains);
            realm = realm == null ? "sipwake" : realm;
            authentication = authentication == null ? Boolean.TRUE : authentication;
            digestAlgorithms = digestAlgorithms == null ? List.of("SHA-256", "MD5") : List.copyOf(digestAlgorithms);
            minExpires = minExpires == null ? 60 : minExpires;
            defaultExpires = defaultExpires == null ? 3600 : defaultExpires;
            maxExpires = maxExpires == null ? 86_400 : maxExpires;
            users = users == null ? List.of() : List.copyOf(users);
        }
    }

    /** A user of the standalone registrar; the password is given inline or read from a file. */
    public record User(String username, String password, @JsonProperty("password-file") Path passwordFile) {
        @Override
        public String toString() {
            return "User[" + username + "]";
        }
    }

    /** Where bindings are kept: {@code sqlite} (default) under {@code data-dir}, or {@code memory}. */
    public record Store(String type, @JsonProperty("data-dir") Path dataDir) {
        static Store defaults() {
            return new Store(null, null);
        }

        public Store {
            type = type == null ? "sqlite" : type;
            dataDir = dataDir == null ? Path.of("data") : dataDir;
        }
    }

    /**
     * How {@code sipwake run} logs to standard output: {@code text} (the default: one readable line per event) or
     * {@code json} (one JSON object per line, for log shippers). Device tokens are redacted either way.
     */
    public record Logging(String format) {
        static Logging defaults() {
            return new Logging(null);
        }

        public Logging {
            format = format == null ? "text" : format;
        }
    }
}
