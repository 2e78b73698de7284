package io.sipwake.proxy.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.parser.SipParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** RFC 8599 §5.6.1 for sipwake as the push proxy in front of another registrar (edge mode). */
class RegisterPushRulesAsProxyTest {
    private static final String TOKEN = "00fc13adff785122b4ad28809a3420982341241421348097878e577c991de8f0";
    private final RegisterPushRules rules = new RegisterPushRules(Set.of("apns", "fcm"), 600, 121);

    private static SipRequest register(String contactParams, String extraHeaders) {
        String text = "REGISTER sip:pbx.example.com SIP/2.0\r\n"
                + "Via: SIP/2.0/TCP 192.0.2.10:5060;branch=z9hG4bK1\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:alice@pbx.example.com>;tag=a\r\nTo: <sip:alice@pbx.example.com>\r\n"
                + "Call-ID: r@phone\r\nCSeq: 1 REGISTER\r\n"
                + "Contact: <sip:alice@192.0.2.10:5060;transport=tcp" + contactParams + ">\r\nExpires: 3600\r\n" + extraHeaders
                + "Content-Length: 0\r\n\r\n";
        try {
            return (SipRequest) new SipParser().parse(text.getBytes(StandardCharsets.ISO_8859_1));
        } catch (io.sipwake.sip.parser.SipParseException e) {
            throw new AssertionError(e);
        }
    }

    private RegisterPushRules.Outcome examine(SipRequest r, boolean rejectUnsupported) {
        return rules.examineAsProxy(r, r.contacts(), c -> 3600, rejectUnsupported);
    }

    @Test
    void aSupportedProviderIsForwardedWithFeatureCapsForIt_RFC8599_5_6_1_1() {
        var outcome = examine(register(";pn-provider=apns;pn-param=ABCD1234.org.example.app.voip;pn-prid=" + TOKEN, ""), false);
        assertThat(outcome).isInstanceOf(RegisterPushRules.Outcome.Register.class);
        assertThat(RegisterPushRules.requestFeatureCaps(((RegisterPushRules.Outcome.Register) outcome).devices()))
                .containsExactly("*;+sip.pns=\"apns\"");
    }

    @Test
    void anUnsupportedProviderIsForwardedUntouched_becauseAnotherProxyMaySupportIt_RFC8599_5_6_1_1() {
        assertThat(examine(register(";pn-provider=webpush;pn-prid=https://push.example/x", ""), false))
                .isInstanceOf(RegisterPushRules.Outcome.NotPush.class);
    }

    @Test
    void anUnsupportedProviderGets555OnlyWhenConfigurationSaysNoUpstreamSupportsIt_RFC8599_5_6_1_1() {
        var outcome = examine(register(";pn-provider=webpush;pn-prid=https://push.example/x", ""), true);
        assertThat(outcome).isInstanceOfSatisfying(RegisterPushRules.Outcome.Refuse.class, r -> {
            assertThat(r.status()).isEqualTo(555);
            assertThat(r.featureCaps()).containsExactlyInAnyOrder("*;+sip.pns=\"apns\"", "*;+sip.pns=\"fcm\"");
        });
    }

    @Test
    void aRegisterThatAlreadyCarriesPnsFeatureCapsIsSkipped_aProxyNearerThePhonePushes_RFC8599_5_6_1_1() {
        assertThat(examine(register(";pn-provider=apns;pn-param=ABCD1234.org.example.app.voip;pn-prid=" + TOKEN,
                "Feature-Caps: *;+sip.pns=\"apns\"\r\n"), false)).isInstanceOf(RegisterPushRules.Outcome.NotPush.class);
    }

    @Test
    void aSupportedQueryIsForwardedWithFeatureCaps_RFC8599_5_6_1_2() {
        assertThat(examine(register(";pn-provider=fcm", ""), false)).isInstanceOfSatisfying(RegisterPushRules.Outcome.Query.class,
                q -> assertThat(q.featureCaps()).isEqualTo(List.of("*;+sip.pns=\"fcm\"")));
    }

    @Test
    void anUnsupportedQueryIsForwardedUnlessConfiguredOtherwise_RFC8599_5_6_1_2() {
        assertThat(examine(register(";pn-provider=webpush", ""), false)).isInstanceOf(RegisterPushRules.Outcome.NotPush.class);
        assertThat(examine(register(";pn-provider=webpush", ""), true)).isInstanceOfSatisfying(RegisterPushRules.Outcome.Refuse.class,
                r -> assertThat(r.status()).isEqualTo(555));
    }

    @Test
    void anExpiryTooShortForPushGets423_RFC8599_5_6_1_1() {
        SipRequest r = register(";pn-provider=fcm;pn-param=p;pn-prid=t", "");
        assertThat(rules.examineAsProxy(r, r.contacts(), c -> 300, false)).isInstanceOfSatisfying(RegisterPushRules.Outcome.Refuse.class,
                refuse -> assertThat(refuse.minExpires()).isEqualTo(600L));
    }
}
