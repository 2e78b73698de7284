package io.sipwake.proxy.registrar;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.proxy.location.LocationService;
import io.sipwake.proxy.push.FeatureCaps;
import io.sipwake.proxy.push.PurrRegistry;
import io.sipwake.proxy.push.RegisterPushRules;
import io.sipwake.sip.message.HeaderNames;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.parser.SipParser;
import io.sipwake.sip.transport.Flow;
import io.sipwake.sip.transport.Transport;
import io.sipwake.store.Binding;
import io.sipwake.store.InMemoryBindingStore;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The registrar's handling of RFC 8599 push parameters (§5.6.1), sipwake being push proxy and registrar. */
class RegistrarPushTest {
    private static final Flow PHONE = new Flow(Transport.TCP, null, new InetSocketAddress("127.0.0.1", 40000), 9);
    private static final String APNS_CONTACT = "<sip:alice@192.0.2.10:5060;transport=tcp;pn-provider=apns;pn-param=ABCD1234.org.example.app.voip;pn-prid=00fc13adff785122b4ad28809a3420982341241421348097878e577c991de8f0>";

    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    };
    private LocationService locations;
    private Registrar registrar;
    private PurrRegistry purrs;
    private int cseq = 1;

    @BeforeEach
    void start() {
        locations = new LocationService(new InMemoryBindingStore(clock), clock);
        purrs = new PurrRegistry(clock, Duration.ofHours(1), Duration.ofDays(1));
        RegisterPushRules rules = new RegisterPushRules(Set.of("apns", "fcm"), 600, 121);
        registrar = new Registrar(new RegistrarSettings(Set.of(), 60, 3600, 86_400, false), locations, null, rules, purrs, clock);
    }

    @AfterEach
    void stop() {
        locations.close();
    }

    private SipResponse register(String extraHeaders) throws Exception {
        String text = "REGISTER sip:example.com SIP/2.0\r\n"
                + "Via: SIP/2.0/TCP 192.0.2.10:5060;branch=z9hG4bK" + cseq + "p\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:alice@example.com>;tag=a\r\nTo: <sip:alice@example.com>\r\n"
                + "Call-ID: push-reg@phone\r\nCSeq: " + (cseq++) + " REGISTER\r\n" + extraHeaders
                + "Content-Length: 0\r\n\r\n";
        return registrar.register((SipRequest) new SipParser().parse(text.getBytes(StandardCharsets.ISO_8859_1)), PHONE).join();
    }

    private List<Binding> bindings() {
        return locations.lookup("sip:alice@example.com");
    }

    @Test
    void pushRegistrationIsAcceptedWithFeatureCapsAndAPurr_5_6_1_1() throws Exception {
        SipResponse r = register("Contact: " + APNS_CONTACT + "\r\nExpires: 3600\r\n");
        assertThat(r.status()).isEqualTo(200);
        FeatureCaps caps = FeatureCaps.parse(r.header(HeaderNames.FEATURE_CAPS));
        assertThat(caps.pns()).hasValue("apns");
        assertThat(caps.purr()).isPresent();
        assertThat(caps.pnsreg()).as("no +sip.pnsreg tag, no sip.pnsreg").isEmpty();
        assertThat(r.header(HeaderNames.FEATURE_CAPS)).startsWith("*;+sip.pns=\"apns\"");
        assertThat(bindings()).singleElement().satisfies(b -> assertThat(Registrar.pushParameters(b)).isNotNull());
    }

    @Test
    void phoneThatSentThePnsregTagIsToldWhenToRefreshItself_4_1_4() throws Exception {
        SipResponse r = register("Contact: " + APNS_CONTACT + ";+sip.pnsreg\r\nExpires: 3600\r\n");
        assertThat(FeatureCaps.parse(r.header(HeaderNames.FEATURE_CAPS)).pnsreg()).hasValue(121);
    }

    @Test
    void unsupportedProviderGets555ListingWhatIsSupported_5_6_1_1() throws Exception {
        SipResponse r = register("Contact: <sip:alice@192.0.2.10;pn-provider=webpush;pn-prid=https%3A%2F%2Fpush.example.net%2Fx>\r\n");
        assertThat(r.status()).isEqualTo(555);
        assertThat(r.headerValues(HeaderNames.FEATURE_CAPS)).containsExactlyInAnyOrder("*;+sip.pns=\"apns\"", "*;+sip.pns=\"fcm\"");
        assertThat(bindings()).isEmpty();
    }

    @Test
    void queryWithEmptyProviderListsEverySupportedProviderAndCreatesNoBinding_5_6_1_2() throws Exception {
        SipResponse r = register("Contact: <sip:alice@192.0.2.10;pn-provider>\r\n");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headerValues(HeaderNames.FEATURE_CAPS)).containsExactlyInAnyOrder("*;+sip.pns=\"apns\"", "*;+sip.pns=\"fcm\"");
        assertThat(bindings()).isEmpty();
    }

    @Test
    void queryForOneSupportedProviderAnswersForThatOne_5_6_1_2() throws Exception {
        SipResponse r = register("Contact: <sip:alice@192.0.2.10;pn-provider=fcm>\r\n");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headerValues(HeaderNames.FEATURE_CAPS)).containsExactly("*;+sip.pns=\"fcm\"");
        assertThat(bindings()).isEmpty();
    }

    @Test
    void queryForAnUnsupportedProviderGets555() throws Exception {
        assertThat(register("Contact: <sip:alice@192.0.2.10;pn-provider=webpush>\r\n").status()).isEqualTo(555);
    }

    @Test
    void expiryTooShortToRefreshByPushGets423_5_6_1_1() throws Exception {
        SipResponse r = register("Contact: " + APNS_CONTACT + "\r\nExpires: 300\r\n");
        assertThat(r.status()).isEqualTo(423);
        assertThat(r.header(HeaderNames.MIN_EXPIRES)).isEqualTo("600");
    }

    @Test
    void registerThatAnotherPushProxyHandledIsAPlainRegistration_5_6_1_1() throws Exception {
        SipResponse r = register("Contact: " + APNS_CONTACT + "\r\nFeature-Caps: *;+sip.pns=\"apns\"\r\n");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header(HeaderNames.FEATURE_CAPS)).isNull();
    }

    @Test
    void malformedPushParametersGet400NamingTheProblem() throws Exception {
        SipResponse r = register("Contact: <sip:alice@192.0.2.10;pn-prid=abc>\r\n");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.reason()).contains("pn-provider");
    }

    @Test
    void aNewTokenFromTheSameContactReplacesTheBinding() throws Exception {
        register("Contact: " + APNS_CONTACT + "\r\n");
        register("Contact: " + APNS_CONTACT.replace("00fc13ad", "11fc13ad") + "\r\n");
        assertThat(bindings()).singleElement().satisfies(b -> assertThat(b.contact()).contains("11fc13ad"));
    }

    @Test
    void theSameTokenFromAnotherAddressIsTheSameDeviceAndRingsOnce() throws Exception {
        register("Contact: " + APNS_CONTACT + "\r\n");
        register("Contact: " + APNS_CONTACT.replace("192.0.2.10:5060", "198.51.100.20:40123") + "\r\n");
        assertThat(bindings()).singleElement().satisfies(b -> assertThat(b.contact()).contains("198.51.100.20"));
    }

    @Test
    void registerWithoutPnPridTurnsPushOffForThatBinding_4_1_2() throws Exception {
        register("Contact: " + APNS_CONTACT + "\r\n");
        SipResponse r = register("Contact: <sip:alice@192.0.2.10:5060;transport=tcp>\r\n");
        assertThat(r.header(HeaderNames.FEATURE_CAPS)).isNull();
        assertThat(bindings()).singleElement().satisfies(b -> assertThat(Registrar.pushParameters(b)).isNull());
    }

    @Test
    void purrIsRotatedPeriodicallyAndOldOnesStayValid_6_2_1() throws Exception {
        String first = FeatureCaps.parse(register("Contact: " + APNS_CONTACT + "\r\n").header(HeaderNames.FEATURE_CAPS)).purr().orElseThrow();
        String again = FeatureCaps.parse(register("Contact: " + APNS_CONTACT + "\r\n").header(HeaderNames.FEATURE_CAPS)).purr().orElseThrow();
        assertThat(again).as("same PURR within the rotation period").isEqualTo(first);
        now.addAndGet(Duration.ofHours(2).toMillis());
        String rotated = FeatureCaps.parse(register("Contact: " + APNS_CONTACT + "\r\n").header(HeaderNames.FEATURE_CAPS)).purr().orElseThrow();
        assertThat(rotated).isNotEqualTo(first).hasSizeGreaterThanOrEqualTo(22);
        assertThat(purrs.resolve(first)).as("the old PURR still names the binding").isEqualTo(purrs.resolve(rotated));
    }
}
