package io.sipwake.server;

import io.netty.util.HashedWheelTimer;
import io.sipwake.proxy.SipProxy;
import io.sipwake.proxy.auth.CredentialLookup;
import io.sipwake.proxy.auth.Credentials;
import io.sipwake.proxy.auth.DigestAlgorithm;
import io.sipwake.proxy.auth.DigestAuthenticator;
import io.sipwake.proxy.location.LocationService;
import io.sipwake.proxy.push.HookWake;
import io.sipwake.proxy.push.PurrRegistry;
import io.sipwake.proxy.push.PushBucket;
import io.sipwake.proxy.push.PushDispatcher;
import io.sipwake.proxy.push.PushTraces;
import io.sipwake.proxy.push.RegisterPushRules;
import io.sipwake.proxy.push.RegistrationRefresher;
import io.sipwake.push.PushSender;
import io.sipwake.push.apns.ApnsPushSender;
import io.sipwake.push.apns.ApnsSettings;
import io.sipwake.push.fcm.FcmPushSender;
import io.sipwake.push.fcm.FcmSettings;
import io.sipwake.proxy.registrar.Registrar;
import io.sipwake.proxy.registrar.RegistrarSettings;
import io.sipwake.proxy.routing.LocalAddresses;
import io.sipwake.proxy.routing.NextHopResolver;
import io.sipwake.server.config.ConfigException;
import io.sipwake.server.config.SipwakeConfig;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.message.SipUri;
import io.sipwake.sip.parser.ParseLimits;
import io.sipwake.sip.transaction.ServerTransaction;
import io.sipwake.sip.transaction.TimerSettings;
import io.sipwake.sip.transaction.TransactionLayer;
import io.sipwake.sip.transaction.TransactionScheduler;
import io.sipwake.sip.transaction.TransactionUser;
import io.sipwake.sip.transport.Flow;
import io.sipwake.sip.transport.ListeningPoint;
import io.sipwake.sip.transport.NettySipTransport;
import io.sipwake.sip.transport.Transport;
import io.sipwake.sip.transport.TransportConfig;
import io.sipwake.store.BindingStore;
import io.sipwake.store.InMemoryBindingStore;
import io.sipwake.store.SqliteBindingStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running sipwake: transports, transaction layer, proxy, registrar and store wired from a
 * {@link SipwakeConfig}. Data flows one way: transport → transactions → proxy → location/store.
 *
 * <p>{@link #start} returns once every listener is bound and the stored bindings are loaded;
 * {@link #close} stops accepting traffic, waits for pending binding writes, and closes the store.
 */
public final class SipwakeServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SipwakeServer.class);
    private static final Duration EXPIRY_SWEEP = Duration.ofSeconds(30);
    /** How often bindings are checked for RFC 8599 §5.5 refresh pushes: well inside the 30 s between push.refresh-push-before and 120 s. */
    private static final Duration REFRESH_SCAN = Duration.ofSeconds(10);

    private final BindingStore store;
    private final LocationService locations;
    private final NettySipTransport transport;
    private final TransactionLayer transactions;
    private final HashedWheelTimer timer;
    private final ScheduledExecutorService housekeeping;
    private final ExecutorService resolver;
    private final PushDispatcher pushes;
    private volatile PushBucket bucket;
    private volatile HookWake hook;
    private volatile io.sipwake.server.admin.AdminServer admin;
    private volatile io.sipwake.server.admin.AdminMetrics metrics;

    private SipwakeServer(BindingStore store, LocationService locations, NettySipTransport transport, TransactionLayer transactions,
            HashedWheelTimer timer, ScheduledExecutorService housekeeping, ExecutorService resolver, PushDispatcher pushes) {
        this.store = store;
        this.locations = locations;
        this.transport = transport;
        this.transactions = transactions;
        this.timer = timer;
        this.housekeeping = housekeeping;
        this.resolver = resolver;
        this.pushes = pushes;
    }

    /** RFC 8599 §5.6.1.1: the sip.pnsreg value, which must exceed 120 seconds. */
    private static final long PNSREG_SECONDS = 121;

    /** The senders for {@code push}; also used by {@link PushReloader} for new credentials. */
    static List<PushSender> pushSenders(SipwakeConfig.Push push) {
        List<PushSender> senders = new java.util.ArrayList<>();
        try {
            if (push.apns() != null) {
                List<ApnsSettings.Team> teams = new java.util.ArrayList<>();
                for (SipwakeConfig.ApnsTeam t : push.apns().teams()) {
                    teams.add(new ApnsSettings.Team(t.teamId(), t.keyId(), t.signingKey(), Set.copyOf(t.bundleIds())));
                }
                ApnsSettings apns = ApnsSettings.of(teams);
                if (push.apns().productionEndpoint() != null) apns = apns.withProduction(endpoint(push.apns().productionEndpoint()));
                if (push.apns().sandboxEndpoint() != null) apns = apns.withSandbox(endpoint(push.apns().sandboxEndpoint()));
                senders.add(new ApnsPushSender(apns));
            }
            if (push.fcm() != null) {
                List<FcmSettings.Project> projects = new java.util.ArrayList<>();
                for (SipwakeConfig.FcmProject p : push.fcm().projects()) {
                    projects.add(FcmSettings.Project.of(p.projectId(), p.serviceAccount(), p.senderIds().toArray(String[]::new)));
                }
                FcmSettings fcm = FcmSettings.of(projects);
                if (push.fcm().apiUrl() != null) fcm = fcm.withApiBaseUrl(java.net.URI.create(push.fcm().apiUrl()));
                senders.add(new FcmPushSender(fcm));
            }
            if (push.webpush() != null) {
                SipwakeConfig.WebPush w = push.webpush();
                senders.add(io.sipwake.push.webpush.WebPushSender.create(new io.sipwake.push.webpush.WebPushSettings(
                        io.sipwake.push.webpush.VapidKey.read(w.vapidPrivateKey()), w.subject(),
                        io.sipwake.push.http.HttpWakeSettings.of(w.allowHosts()).withTimeout(w.timeout()))));
            }
            if (push.http().enabled()) {
                senders.add(new io.sipwake.push.http.HttpWakeSender(
                        io.sipwake.push.http.HttpWakeSettings.of(push.http().allowHosts()).withTimeout(push.http().timeout())));
            }
        } catch (IllegalArgumentException e) {
            senders.forEach(PushSender::close);
            throw new ConfigException("push: " + e.getMessage(), e);
        }
        return senders;
    }

    /**
     * The pn-provider values Feature-Caps advertise: the senders' providers without Linphone's
     * {@code apns.dev}, which sipwake accepts (as APNs sandbox) but which is no IANA-registered value.
     */
    private static Set<String> advertisedProviders(PushDispatcher pushes) {
        Set<String> providers = new java.util.TreeSet<>(pushes.providers());
        providers.removeIf(p -> p.endsWith(".dev"));
        return providers;
    }

    /** The VAPID public key by provider, for {@code +sip.vapid} (RFC 8599 §5.6.1.1). */
    private static Map<String, String> vapidKeys(SipwakeConfig.Push push) {
        if (push.webpush() == null) return Map.of();
        return Map.of(io.sipwake.push.webpush.WebPushProtocol.PROVIDER,
                io.sipwake.push.webpush.VapidKey.read(push.webpush().vapidPrivateKey()).publicKeyBase64Url());
    }

    private static ApnsSettings.Endpoint endpoint(SipwakeConfig.Endpoint e) {
        return new ApnsSettings.Endpoint(e.host(), e.port(), e.trust());
    }

    public static SipwakeServer start(SipwakeConfig config) {
        Clock clock = Clock.systemUTC();
        BindingStore store = openStore(config.store());
        LocationService locations = new LocationService(store, clock);
        NettySipTransport transport = null;
        HashedWheelTimer timer = null;
        ScheduledExecutorService housekeeping = null;
        ExecutorService resolver = null;
        SipwakeServer started;
        try {
            int loaded = locations.load();
            transport = new NettySipTransport(transportConfig(config.sip()));
            timer = new HashedWheelTimer(daemon("sipwake-timer"), 10, TimeUnit.MILLISECONDS);
            resolver = Executors.newFixedThreadPool(2, daemon("sipwake-dns"));
            Map<String, String> users = passwords(config.registrar());
            Set<String> domains = new HashSet<>();
            for (String d : config.registrar().domains()) domains.add(d.toLowerCase(Locale.ROOT));
            RegistrarSettings settings = new RegistrarSettings(domains, config.registrar().minExpires(),
                    config.registrar().defaultExpires(), config.registrar().maxExpires(), config.registrar().authentication());
            DigestAuthenticator authenticator = null;
            if (settings.requireAuth()) {
                if (users.isEmpty()) log.warn("registrar.authentication is on but registrar.users is empty: every REGISTER will be refused");
                String realm = config.registrar().realm();
                CredentialLookup lookup = (username, r) -> users.containsKey(username) && realm.equals(r)
                        ? Optional.of(new Credentials(username, realm, users.get(username))) : Optional.empty();
                byte[] secret = new byte[32];
                new SecureRandom().nextBytes(secret);
                List<DigestAlgorithm> algorithms = config.registrar().digestAlgorithms().stream()
                        .map(a -> DigestAlgorithm.fromToken(a).orElseThrow()).toList();
                authenticator = new DigestAuthenticator(realm, lookup, secret, clock, Duration.ofMinutes(5), algorithms,
                        DigestAuthenticator.DEFAULT_MAX_TRACKED_NONCES);
            }
            PushDispatcher pushes = new PushDispatcher(pushSenders(config.push()));
            PushBucket pushBucket = null;
            housekeeping = Executors.newSingleThreadScheduledExecutor(daemon("sipwake-housekeeping"));
            RegisterPushRules pushRules = pushes.providers().isEmpty() ? null
                    : new RegisterPushRules(advertisedProviders(pushes), config.push().minExpires(), PNSREG_SECONDS, vapidKeys(config.push()));
            PurrRegistry purrs = new PurrRegistry(clock, Duration.ofHours(1), Duration.ofDays(2), purrKey(config.store()));
            Registrar registrar = new Registrar(settings, locations, authenticator, pushRules, purrs, clock);
            // The transport must have its listener before it binds; the proxy needs the bound addresses.
            DeferredUser user = new DeferredUser();
            TransactionLayer transactions = TransactionLayer.builder(transport, user)
                    .timers(new TimerSettings(config.sip().timers().t1(), config.sip().timers().t2(), config.sip().timers().t4()))
                    .scheduler(TransactionScheduler.of(timer))
                    .build();
            transport.setIdleRetention(flow -> locations.isFlowInUse(flow.token()));
            transport.setListener(transactions);
            transport.start();
            LocalAddresses local = new LocalAddresses(transport.listeningPoints(), aliases(config.sip()));
            // the meters exist whether or not the admin API serves them; the proxy and the bucket report to them
            java.util.concurrent.atomic.AtomicReference<PushBucket> held = new java.util.concurrent.atomic.AtomicReference<>();
            io.sipwake.server.admin.AdminMetrics metrics = new io.sipwake.server.admin.AdminMetrics(locations, () -> {
                PushBucket b = held.get();
                return b == null ? 0 : b.size();
            }, transport.stats());
            boolean anyUser = !settings.requireAuth();
            SipProxy proxy = new SipProxy(transactions, transport, registrar, locations, local,
                    host -> settings.domains().isEmpty() || settings.servesDomain(host) || local.isLocalHost(host),
                    aor -> anyUser || users.containsKey(userOf(aor)),
                    new NextHopResolver(resolver, config.sip().resolveNames()), config.sip().relay());
            proxy.setMetrics(metrics);
            PushBucket.DeadTokenPruner pruneDeadToken = (aor, key) ->
                    locations.update(aor, current -> current.stream().filter(b -> !b.bindingKey().equals(key)).toList());
            io.sipwake.proxy.edge.EdgeUpstreams upstreams = upstreams(config.edge(), config.sip().resolveNames());
            if (pushRules != null) {
                PushBucket bucket = new PushBucket(pushes, housekeeping, clock,
                        new PushBucket.Settings(config.push().callTimeout(), config.push().messageTimeout(), config.push().cancelPush(),
                                config.push().missedCallPush(), config.push().lateInviteCancel()),
                        new PushBucket.Forwarder() {
                            @Override
                            public void forward(PushBucket.Held held, io.sipwake.store.Binding binding) {
                                proxy.forwardHeld(held, binding);
                            }

                            @Override
                            public void forwardThenCancel(PushBucket.Held held, io.sipwake.store.Binding binding, String reason) {
                                proxy.forwardHeldThenCancel(held, binding, reason);
                            }
                        },
                        pruneDeadToken);
                bucket.setMetrics(metrics);
                held.set(bucket);
                proxy.enablePush(bucket, purrs);
                pushBucket = bucket;
                log.info("push wake-up on for {}", pushes.providers());
            }
            if (pushRules != null && !config.push().refreshPushBefore().isZero()) {
                // Edge mode keeps push bindings past the upstream's expiry (edge.lapsed-push-retention): not the registration's
                long retention = config.edge().lapsedPushRetention().toMillis();
                RegistrationRefresher refresher = new RegistrationRefresher(locations, pushes, clock, config.push().refreshPushBefore(),
                        b -> upstreams.forDomain(domainOf(b.aor())) != null ? b.expiresAtMillis() - retention : b.expiresAtMillis(),
                        pruneDeadToken);
                refresher.setMetrics(metrics);
                housekeeping.scheduleWithFixedDelay(() -> {
                    try {
                        refresher.run();
                    } catch (RuntimeException e) {
                        log.warn("refresh pushes failed: {}", e.toString());
                    }
                }, REFRESH_SCAN.toSeconds(), REFRESH_SCAN.toSeconds(), TimeUnit.SECONDS);
            }
            if (!upstreams.isEmpty()) {
                NextHopResolver upstreamResolver = new NextHopResolver(resolver, config.sip().resolveNames());
                proxy.enableEdge(upstreams, new io.sipwake.proxy.edge.EdgeRegistrar(transactions, transport, locations, pushRules, purrs,
                        upstreamResolver, clock, config.edge().lapsedPushRetention()));
                log.info("edge mode: phones register through sipwake to {}", upstreams.all());
            }
            NettySipTransport sip = transport;
            HookWake hook = pushRules == null ? null : new HookWake(locations, pushes, housekeeping, clock,
                    HookWake.Settings.defaults(config.push().callTimeout()), b -> connectedNow(sip, b));
            if (hook != null) hook.setMetrics(metrics);
            user.delegate = proxy;
            housekeeping.scheduleWithFixedDelay(() -> {
                try {
                    int removed = locations.removeExpired();
                    purrs.removeExpired();
                    if (removed > 0) log.debug("removed {} expired binding(s)", removed);
                } catch (RuntimeException e) {
                    log.warn("expiry sweep failed: {}", e.toString());
                }
            }, EXPIRY_SWEEP.toSeconds(), EXPIRY_SWEEP.toSeconds(), TimeUnit.SECONDS);
            log.info("sipwake {} started: {} binding(s) loaded, {} user(s), listening on {}", Version.version(), loaded, users.size(),
                    transport.listeningPoints());
            SipwakeServer server = new SipwakeServer(store, locations, transport, transactions, timer, housekeeping, resolver, pushes);
            server.bucket = pushBucket;
            server.hook = hook;
            server.metrics = metrics;
            started = server;
        } catch (RuntimeException e) {
            if (transport != null) transport.close();
            if (timer != null) timer.stop();
            if (housekeeping != null) housekeeping.shutdownNow();
            if (resolver != null) resolver.shutdownNow();
            locations.close();
            store.close();
            throw e;
        }
        if (config.admin().enabled()) {
            try {
                started.admin = io.sipwake.server.admin.AdminServer.start(config.admin(), started);
            } catch (RuntimeException e) {
                started.close();
                throw e;
            }
        }
        return started;
    }

    /** The configured upstreams, with their addresses resolved once (a name that does not resolve is only logged). */
    private static io.sipwake.proxy.edge.EdgeUpstreams upstreams(SipwakeConfig.Edge edge, boolean resolveNames) {
        List<io.sipwake.proxy.edge.Upstream> upstreams = new java.util.ArrayList<>();
        for (SipwakeConfig.Upstream u : edge.upstreams()) {
            SipUri uri = SipUri.parse(u.uri().trim());
            List<InetAddress> addresses = List.of();
            String host = uri.host().startsWith("[") ? uri.host().substring(1, uri.host().length() - 1) : uri.host();
            if (NextHopResolver.isLiteral(host) || resolveNames) {
                try {
                    addresses = List.of(InetAddress.getAllByName(host));
                } catch (java.net.UnknownHostException e) {
                    log.warn("edge upstream {}: {} does not resolve now; calls it sends straight to sipwake will not be recognised", uri, host);
                }
            }
            Set<String> domains = new HashSet<>();
            for (String d : u.domains()) domains.add(d.toLowerCase(Locale.ROOT));
            upstreams.add(new io.sipwake.proxy.edge.Upstream(uri, domains, io.sipwake.proxy.edge.Upstream.Mode.fromConfig(u.mode()),
                    u.unsupportedProviders().equals("reject"), addresses));
        }
        return new io.sipwake.proxy.edge.EdgeUpstreams(upstreams);
    }

    /**
     * The key PURRs are sealed with (RFC 8599 §6): kept in {@code <data-dir>/purr.key} (owner-only) so PURRs in
     * long dialogs still resolve after a restart; a fresh one with the memory store.
     */
    static byte[] purrKey(SipwakeConfig.Store config) {
        if (config.type().equalsIgnoreCase("memory")) return PurrRegistry.newKey();
        java.nio.file.Path file = config.dataDir().resolve("purr.key");
        try {
            if (Files.exists(file)) {
                byte[] key = Files.readAllBytes(file);
                if (key.length != 32) throw new ConfigException("store.data-dir: " + file + " is not a PURR key (32 bytes); remove it to make a new one");
                return key;
            }
            Files.createDirectories(config.dataDir());
            byte[] key = PurrRegistry.newKey();
            java.nio.file.Path temp = Files.createTempFile(config.dataDir(), "purr", ".tmp");
            try {
                Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // keep the platform's default permissions
            }
            Files.write(temp, key);
            Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return key;
        } catch (IOException e) {
            throw new ConfigException("store.data-dir: cannot read or create " + file + ": " + e.getMessage(), e);
        }
    }

    private static BindingStore openStore(SipwakeConfig.Store config) {
        if (config.type().equalsIgnoreCase("memory")) return new InMemoryBindingStore();
        return SqliteBindingStore.open(config.dataDir().resolve("sipwake.db"));
    }

    private static TransportConfig transportConfig(SipwakeConfig.Sip sip) {
        TransportConfig.Builder b = TransportConfig.builder()
                .bindAddress(sip.address())
                .idleTimeout(sip.idleTimeout())
                .ioThreads(sip.ioThreads())
                .parseLimits(new ParseLimits(sip.limits().maxMessageBytes(), sip.limits().maxHeaderBytes(),
                        sip.limits().maxHeaderLines(), sip.limits().maxLineBytes()));
        if (sip.advertisedHost() != null) b.advertisedHost(sip.advertisedHost());
        for (SipwakeConfig.Listener l : sip.listen()) b.listen(Transport.fromName(l.transport()), l.port());
        if (sip.tls().certificate() != null) b.tls(sip.tls().certificate(), sip.tls().privateKey());
        if (sip.tls().trust() != null) b.tlsTrustedCertificates(sip.tls().trust());
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("sip: " + e.getMessage(), e);
        }
    }

    /** Our own names: the configured aliases, and every local address when listening on all of them. */
    private static Set<String> aliases(SipwakeConfig.Sip sip) {
        Set<String> names = new HashSet<>(sip.aliases());
        boolean wildcard = sip.address().equals("0.0.0.0") || sip.address().equals("::") || sip.address().equals("[::]");
        if (wildcard) {
            try {
                for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                        String h = a.getHostAddress();
                        int zone = h.indexOf('%');
                        if (zone >= 0) h = h.substring(0, zone);
                        names.add(h.indexOf(':') >= 0 ? "[" + h + "]" : h);
                    }
                }
            } catch (SocketException e) {
                log.warn("cannot list local addresses: {}", e.getMessage());
            }
            names.add("localhost");
        } else {
            names.add(sip.address());
        }
        return names;
    }

    private static Map<String, String> passwords(SipwakeConfig.Registrar registrar) {
        Map<String, String> users = new HashMap<>();
        for (int i = 0; i < registrar.users().size(); i++) {
            SipwakeConfig.User u = registrar.users().get(i);
            String password = u.password();
            if (password == null) {
                try {
                    password = Files.readString(u.passwordFile(), StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    throw new ConfigException("registrar.users[" + i + "].password-file: cannot read " + u.passwordFile() + ": " + e.getMessage());
                }
            }
            users.put(u.username(), password);
        }
        return users;
    }

    private static String domainOf(String aor) {
        try {
            return SipUri.parse(aor).host();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String userOf(String aor) {
        try {
            String user = SipUri.parse(aor).userUnescaped();
            return user == null ? "" : user;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    public List<ListeningPoint> listeningPoints() {
        return transport.listeningPoints();
    }

    /** The port actually bound for {@code t} (useful with port 0), or -1. */
    public int port(Transport t) {
        ListeningPoint lp = transport.listeningPoint(t);
        return lp == null ? -1 : lp.port();
    }

    /** The timelines of recent held requests (RFC 8599 push wake-ups), or null when push is off. */
    public PushTraces pushTraces() {
        PushBucket b = bucket;
        return b == null ? null : b.traces();
    }

    /** Requests held now while their phone wakes (0 when push is off). */
    public int heldRequests() {
        PushBucket b = bucket;
        return b == null ? 0 : b.size();
    }

    /** Hook mode's wakes ({@code POST /api/v1/wake}), or null when push is off. */
    public HookWake hookWake() {
        return hook;
    }

    /** Whether a device's REGISTER came over a connection (TCP, TLS, WebSocket) that is still open: it is awake now. */
    private static boolean connectedNow(NettySipTransport transport, io.sipwake.store.Binding binding) {
        Flow flow = binding.flow() == null ? null : Flow.parseToken(binding.flow());
        return flow != null && flow.transport().isReliable() && transport.isOpen(flow);
    }

    /** The requests held now while their phone wakes, oldest first (empty when push is off). */
    public List<PushBucket.HeldRequest> heldNow() {
        PushBucket b = bucket;
        return b == null ? List.of() : b.heldNow();
    }

    /** The push senders by provider (for test pushes); its {@link PushDispatcher#providers()} is empty when push is off. */
    public PushDispatcher pushDispatcher() {
        return pushes;
    }

    /** sipwake's meters (served at the admin API's {@code /metrics} when it is on). */
    public io.sipwake.server.admin.AdminMetrics metrics() {
        return metrics;
    }

    /** The admin HTTP API, or null when {@code admin.enabled} is false. */
    public io.sipwake.server.admin.AdminServer admin() {
        return admin;
    }

    public LocationService locations() {
        return locations;
    }

    // ---- reloading push credentials (PushReloader) ----

    private volatile PushReloader reloader;

    /** Lets {@code POST /api/v1/reload} (and SIGHUP) re-read {@code configFile}'s push credentials; {@code config} is what it held at start. */
    public void enableReload(java.nio.file.Path configFile, SipwakeConfig config) {
        reloader = new PushReloader(configFile, System.getenv(), config.push(), pushes);
    }

    /** The push credentials reloader, or null when sipwake was started without a config file. */
    public PushReloader pushReloader() {
        return reloader;
    }

    public NettySipTransport transport() {
        return transport;
    }

    public TransactionLayer transactions() {
        return transactions;
    }

    @Override
    public void close() {
        log.info("sipwake stopping");
        io.sipwake.server.admin.AdminServer a = admin;
        if (a != null) a.close();
        io.sipwake.server.admin.AdminMetrics m = metrics;
        if (m != null) m.close();
        housekeeping.shutdownNow();
        transport.close();
        transactions.close();
        timer.stop();
        resolver.shutdownNow();
        pushes.close();
        locations.close();
        store.close();
    }

    /** Lets the transaction layer be built before the proxy that uses it; answers 503 in the moment between. */
    private static final class DeferredUser implements TransactionUser {
        volatile TransactionUser delegate;

        @Override
        public void onRequest(ServerTransaction tx, SipRequest request) {
            TransactionUser d = delegate;
            if (d != null) {
                d.onRequest(tx, request);
            } else {
                SipResponse r = request.createResponse(503, "Service Unavailable (starting)", null);
                r.addHeader("Retry-After", "1");
                tx.sendResponse(r);
            }
        }

        @Override
        public void onAck(SipRequest ack, Flow source) {
            TransactionUser d = delegate;
            if (d != null) d.onAck(ack, source);
        }

        @Override
        public void onStrayResponse(SipResponse response, Flow source) {
            TransactionUser d = delegate;
            if (d != null) d.onStrayResponse(response, source);
        }
    }

}
