package io.sipwake.proxy.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.sip.message.SipUri;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 8599 §5.3: matching a REGISTER's Contact URI with the Request-URI of a held request. */
class PushUriMatchingTest {
    private static final String REGISTERED = "sip:alice@192.0.2.1:5060;transport=tcp;pn-provider=fcm;pn-param=929724111839;pn-prid=f1Ew:APA91b";

    private static boolean matches(String registered, String requestUri) {
        SipUri a = SipUri.parse(registered);
        SipUri b = SipUri.parse(requestUri);
        boolean forward = PushUriMatching.matches(a, b);
        assertThat(PushUriMatching.matches(b, a)).as("symmetric").isEqualTo(forward);
        return forward;
    }

    @Test
    void theSameUriWithTheSamePushParametersMatches_5_3() {
        assertThat(matches(REGISTERED, REGISTERED)).isTrue();
        assertThat(matches(REGISTERED, "sip:alice@192.0.2.1:5060;pn-prid=f1Ew%3AAPA91b;PN-PROVIDER=FCM;pn-param=929724111839;transport=TCP")).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        pn-prid differs                          | sip:alice@192.0.2.1:5060;transport=tcp;pn-provider=fcm;pn-param=929724111839;pn-prid=OTHER
        pn-prid differs only in case             | sip:alice@192.0.2.1:5060;transport=tcp;pn-provider=fcm;pn-param=929724111839;pn-prid=f1ew:apa91b
        pn-param differs                         | sip:alice@192.0.2.1:5060;transport=tcp;pn-provider=fcm;pn-param=1;pn-prid=f1Ew:APA91b
        pn-provider differs                      | sip:alice@192.0.2.1:5060;transport=tcp;pn-provider=apns;pn-param=929724111839;pn-prid=f1Ew:APA91b
        pn-param on one side only                | sip:alice@192.0.2.1:5060;transport=tcp;pn-provider=fcm;pn-prid=f1Ew:APA91b
        no push parameters on one side           | sip:alice@192.0.2.1:5060;transport=tcp
        an extra pn-* on one side only           | sip:alice@192.0.2.1:5060;transport=tcp;pn-provider=fcm;pn-param=929724111839;pn-prid=f1Ew:APA91b;pn-silent=1
        RFC 3261: port differs                   | sip:alice@192.0.2.1:5070;transport=tcp;pn-provider=fcm;pn-param=929724111839;pn-prid=f1Ew:APA91b
        RFC 3261: transport differs              | sip:alice@192.0.2.1:5060;transport=udp;pn-provider=fcm;pn-param=929724111839;pn-prid=f1Ew:APA91b
        """)
    void aDifferenceInPushParametersOrUnderRfc3261MeansNoMatch_5_3(String difference, String requestUri) {
        assertThat(matches(REGISTERED, requestUri)).isFalse();
    }

    @Test
    void aPnParameterOnOneSideOnlyDefeatsAMatchThatRfc3261AloneWouldAllow_5_3() {
        SipUri registered = SipUri.parse(REGISTERED);
        SipUri withoutParam = SipUri.parse("sip:alice@192.0.2.1:5060;transport=tcp;pn-provider=fcm;pn-prid=f1Ew:APA91b");
        assertThat(registered.equivalentTo(withoutParam)).as("RFC 3261 §19.1.4 ignores one-sided parameters").isTrue();
        assertThat(PushUriMatching.matches(registered, withoutParam)).isFalse();
    }

    @Test
    void otherParametersFollowRfc3261() {
        assertThat(matches(REGISTERED, REGISTERED + ";ob")).isTrue();
    }

    @Test
    void aPhoneOnANewAddressIsTheSamePushDeviceByLocalPolicy_5_3() {
        SipUri registered = SipUri.parse(REGISTERED);
        SipUri moved = SipUri.parse("sip:alice@198.51.100.7:40211;transport=udp;pn-provider=FCM;pn-param=929724111839;pn-prid=f1Ew%3AAPA91b;pn-timeout=0");
        assertThat(PushUriMatching.matches(registered, moved)).isFalse();
        assertThat(PushUriMatching.samePushDevice(registered, moved)).isTrue();
        assertThat(PushUriMatching.samePushDevice(moved, registered)).isTrue();
    }

    @Test
    void samePushDeviceComparesTheWholeTriple() {
        SipUri registered = SipUri.parse(REGISTERED);
        assertThat(PushUriMatching.samePushDevice(registered, SipUri.parse("sip:alice@h;pn-provider=fcm;pn-param=1;pn-prid=f1Ew:APA91b"))).isFalse();
        assertThat(PushUriMatching.samePushDevice(registered, SipUri.parse("sip:alice@h;pn-provider=fcm;pn-param=929724111839;pn-prid=x"))).isFalse();
        assertThat(PushUriMatching.samePushDevice(registered, SipUri.parse("sip:alice@h;pn-provider=fcm;pn-prid=f1Ew:APA91b"))).isFalse();
        assertThat(PushUriMatching.samePushDevice(SipUri.parse("sip:alice@h"), SipUri.parse("sip:alice@h"))).isFalse();
        assertThat(PushUriMatching.samePushDevice(SipUri.parse("sip:alice@h;pn-provider"), SipUri.parse("sip:alice@h;pn-provider"))).isFalse();
        assertThat(PushUriMatching.samePushDevice(
                SipUri.parse("sip:a@h1;pn-provider=webpush;pn-prid=https://ntfy.sh/up1"),
                SipUri.parse("sip:a@h2;pn-provider=webpush;pn-prid=https%3A%2F%2Fntfy.sh%2Fup1"))).isTrue();
    }

    @Test
    void theTripleOfAParsedContactMatchesTheRequestUriMadeFromIt() {
        PushParameters p = PushParameterParserTest.push(ClientContacts.LINPHONE_IOS_VOLTS);
        SipUri requestUri = io.sipwake.sip.message.NameAddress.parse(ClientContacts.LINPHONE_IOS_VOLTS).sipUri();
        assertThat(p.triple().orElseThrow().sameTargetAs(PushTriple.of(requestUri).orElseThrow())).isTrue();
    }
}
