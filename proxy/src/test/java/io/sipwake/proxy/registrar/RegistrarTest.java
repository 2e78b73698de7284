package io.sipwake.proxy.registrar;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.proxy.auth.CredentialLookup;
import io.sipwake.proxy.auth.Credentials;
import io.sipwake.proxy.auth.DigestAuthenticator;
import io.sipwake.proxy.auth.DigestClient;
import io.sipwake.proxy.location.LocationService;
import io.sipwake.sip.message.HeaderNames;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.parser.SipParser;
import io.sipwake.sip.transport.Flow;
import io.sipwake.sip.transport.Transport;
import io.sipwake.store.Binding;
import io.sipwake.store.SqliteBindingStore;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone registrar, RFC 3261 §10.3, with a real SQLite store. */
class RegistrarTest {
    private static final Flow PHONE = new Flow(Transport.TCP, null, new InetSocketAddress("127.0.0.1", 40000), 7);

    @TempDir
    Path dir;

    private SqliteBindingStore store;
    private LocationService locations;
    private Registrar registrar;
    private int cseq = 1;

    @BeforeEach
    void start() {
        open(true);
    }

    private void open(boolean auth) {
        if (store != null) stop();
        store = SqliteBindingStore.open(dir.resolve("bindings.db"));
        locations = new LocationService(store, Clock.systemUTC());
        locations.load();
        CredentialLookup users = (u, realm) -> u.equals("alice") ? Optional.of(new Credentials("alice", realm, "secret")) : Optional.empty();
        DigestAuthenticator auth0 = new DigestAuthenticator("test", users, new byte[32], Clock.systemUTC(), Duration.ofMinutes(5));
        registrar = new Registrar(new RegistrarSettings(Set.of(), 60, 3600, 7200, auth), locations, auth ? auth0 : null, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        locations.close();
        store.close();
        store = null;
    }

    private SipRequest register(String user, String extraHeaders) throws Exception {
        String text = "REGISTER sip:example.com SIP/2.0\r\n"
                + "Via: SIP/2.0/TCP 127.0.0.1:40000;branch=z9hG4bK" + cseq + "x\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:" + user + "@example.com>;tag=a1\r\n"
                + "To: <sip:" + user + "@example.com>\r\n"
                + "Call-ID: reg-1@phone\r\n"
                + "CSeq: " + (cseq++) + " REGISTER\r\n"
                + extraHeaders
                + "Content-Length: 0\r\n\r\n";
        return (SipRequest) new SipParser().parse(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private SipResponse send(SipRequest request) {
        return registrar.register(request, PHONE).join();
    }

    /** Sends the REGISTER, answers the challenge, returns the final response. */
    private SipResponse registerWithAuth(String user, String password, String extraHeaders) throws Exception {
        SipResponse challenge = send(register(user, extraHeaders));
        assertThat(challenge.status()).isEqualTo(401);
        String www = challenge.headerValues(HeaderNames.WWW_AUTHENTICATE).get(0);
        String authorization = DigestClient.authorization(www, "REGISTER", "sip:example.com", user, password, "c0ffee", 1);
        return send(register(user, extraHeaders + "Authorization: " + authorization + "\r\n"));
    }

    @Test
    void registerWithoutCredentialsIsChallengedWithSha256ThenMd5_RFC8760() throws Exception {
        SipResponse r = send(register("alice", "Contact: <sip:alice@127.0.0.1:40000;transport=tcp>\r\n"));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.headerValues(HeaderNames.WWW_AUTHENTICATE)).hasSize(2);
        assertThat(r.headerValues(HeaderNames.WWW_AUTHENTICATE).get(0)).contains("algorithm=SHA-256");
        assertThat(r.headerValues(HeaderNames.WWW_AUTHENTICATE).get(1)).contains("algorithm=MD5");
        assertThat(locations.lookup("sip:alice@example.com")).isEmpty();
    }

    @Test
    void authenticatedRegisterCreatesABindingAndListsItWithExpires_10_3() throws Exception {
        SipResponse r = registerWithAuth("alice", "secret", "Contact: <sip:alice@127.0.0.1:40000;transport=tcp>\r\nExpires: 600\r\n");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headerValues(HeaderNames.CONTACT)).singleElement().asString()
                .startsWith("<sip:alice@127.0.0.1:40000;transport=tcp>;expires=");
        List<Binding> bindings = locations.lookup("sip:alice@example.com");
        assertThat(bindings).singleElement().satisfies(b -> assertThat(b.flow()).isEqualTo(PHONE.token()));
    }

    @Test
    void wrongPasswordIsRefusedAndCreatesNothing() throws Exception {
        SipResponse r = registerWithAuth("alice", "wrong", "Contact: <sip:alice@127.0.0.1:40000>\r\n");
        assertThat(r.status()).isEqualTo(403);
        assertThat(locations.lookup("sip:alice@example.com")).isEmpty();
    }

    @Test
    void aUserMayNotRegisterSomeoneElsesAddress() throws Exception {
        SipResponse challenge = send(register("bob", "Contact: <sip:bob@127.0.0.1:40000>\r\n"));
        String authorization = DigestClient.authorization(challenge.headerValues(HeaderNames.WWW_AUTHENTICATE).get(0),
                "REGISTER", "sip:example.com", "alice", "secret", "c0ffee", 1);
        SipResponse r = send(register("bob", "Contact: <sip:bob@127.0.0.1:40000>\r\nAuthorization: " + authorization + "\r\n"));
        assertThat(r.status()).isEqualTo(403);
    }

    @Test
    void tooShortExpiryGets423WithMinExpires_10_3_step7() throws Exception {
        open(false);
        SipResponse r = send(register("alice", "Contact: <sip:alice@127.0.0.1:40000>;expires=10\r\n"));
        assertThat(r.status()).isEqualTo(423);
        assertThat(r.header(HeaderNames.MIN_EXPIRES)).isEqualTo("60");
    }

    @Test
    void expiryAboveMaximumIsShortened() throws Exception {
        open(false);
        SipResponse r = send(register("alice", "Contact: <sip:alice@127.0.0.1:40000>\r\nExpires: 999999\r\n"));
        assertThat(r.status()).isEqualTo(200);
        long expires = Long.parseLong(r.contacts().get(0).param("expires"));
        assertThat(expires).isBetween(7190L, 7200L);
    }

    @Test
    void wildcardWithExpiresZeroRemovesAllBindings_10_2_2() throws Exception {
        open(false);
        send(register("alice", "Contact: <sip:alice@127.0.0.1:40000>, <sip:alice@127.0.0.1:40001>\r\n"));
        assertThat(locations.lookup("sip:alice@example.com")).hasSize(2);
        SipResponse r = send(register("alice", "Contact: *\r\nExpires: 0\r\n"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headerValues(HeaderNames.CONTACT)).isEmpty();
        assertThat(locations.lookup("sip:alice@example.com")).isEmpty();
    }

    @Test
    void wildcardWithoutExpiresZeroIsRejected() throws Exception {
        open(false);
        assertThat(send(register("alice", "Contact: *\r\n")).status()).isEqualTo(400);
    }

    @Test
    void registerWithoutContactQueriesTheBindings_10_2_3() throws Exception {
        open(false);
        send(register("alice", "Contact: <sip:alice@127.0.0.1:40000>;q=0.7\r\n"));
        SipResponse r = send(register("alice", ""));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contacts()).singleElement().satisfies(c -> assertThat(c.param("q")).isEqualTo("0.7"));
    }

    @Test
    void expiresZeroRemovesOneBinding() throws Exception {
        open(false);
        send(register("alice", "Contact: <sip:alice@127.0.0.1:40000>, <sip:alice@127.0.0.1:40001>\r\n"));
        send(register("alice", "Contact: <sip:alice@127.0.0.1:40000>;expires=0\r\n"));
        assertThat(locations.lookup("sip:alice@example.com")).singleElement()
                .satisfies(b -> assertThat(b.contact()).contains("40001"));
    }

    @Test
    void sameInstanceAndRegIdReplacesTheBindingEvenFromANewAddress_RFC5626() throws Exception {
        open(false);
        String instance = ";+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\";reg-id=1";
        send(register("alice", "Contact: <sip:alice@192.0.2.1:40000;transport=tcp>" + instance + "\r\n"));
        send(register("alice", "Contact: <sip:alice@198.51.100.7:51000;transport=tcp>" + instance + "\r\n"));
        assertThat(locations.lookup("sip:alice@example.com")).singleElement().satisfies(b -> {
            assertThat(b.contact()).contains("198.51.100.7");
            assertThat(b.instanceId()).isEqualTo("urn:uuid:00000000-0000-1000-8000-000A95A0E128");
            assertThat(b.regId()).isEqualTo(1);
        });
    }

    @Test
    void outOfOrderCSeqForTheSameCallIdIsRejected_10_3_step7() throws Exception {
        open(false);
        cseq = 5;
        send(register("alice", "Contact: <sip:alice@127.0.0.1:40000>\r\n"));
        cseq = 3;
        SipResponse r = send(register("alice", "Contact: <sip:alice@127.0.0.1:40000>;expires=0\r\n"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(locations.lookup("sip:alice@example.com")).hasSize(1);
    }

    @Test
    void pathIsStoredAndEchoed_RFC3327() throws Exception {
        open(false);
        SipResponse r = send(register("alice", "Path: <sip:edge.example.com;lr>\r\nSupported: path\r\nContact: <sip:alice@127.0.0.1:40000>\r\n"));
        assertThat(r.header(HeaderNames.PATH)).isEqualTo("<sip:edge.example.com;lr>");
        assertThat(locations.lookup("sip:alice@example.com").get(0).path()).isEqualTo("<sip:edge.example.com;lr>");
    }

    @Test
    void unsupportedRequireOptionGets420WithUnsupported() throws Exception {
        SipResponse r = send(register("alice", "Require: nothingSupportedHere\r\nContact: <sip:alice@127.0.0.1:40000>\r\n"));
        assertThat(r.status()).isEqualTo(420);
        assertThat(r.header(HeaderNames.UNSUPPORTED)).isEqualTo("nothingSupportedHere");
    }

    @Test
    void toThatIsNotASipAddressOfRecordGets400_RFC4475_unksm2() throws Exception {
        open(false);
        String text = "REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKkdjuw\r\nMax-Forwards: 70\r\n"
                + "From: <http://www.example.com>;tag=a\r\nTo: isbn:2983792873\r\nCall-ID: x@y\r\nCSeq: 1 REGISTER\r\n"
                + "Contact: <name:John_Smith>\r\nContent-Length: 0\r\n\r\n";
        SipResponse r = send((SipRequest) new SipParser().parse(text.getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(r.status()).isEqualTo(400);
    }

    @Test
    void bindingsSurviveARestart() throws Exception {
        open(false);
        send(register("alice", "Contact: <sip:alice@127.0.0.1:40000>\r\n"));
        open(false); // a new location service over the same database file
        assertThat(locations.lookup("sip:alice@example.com")).singleElement()
                .satisfies(b -> assertThat(b.contact()).isEqualTo("<sip:alice@127.0.0.1:40000>"));
    }

    @Test
    void flowOfALiveBindingIsKeptOpen_RFC5626() throws Exception {
        open(false);
        send(register("alice", "Contact: <sip:alice@127.0.0.1:40000>\r\n"));
        assertThat(locations.isFlowInUse(PHONE.token())).isTrue();
        send(register("alice", "Contact: *\r\nExpires: 0\r\n"));
        assertThat(locations.isFlowInUse(PHONE.token())).isFalse();
    }
}
