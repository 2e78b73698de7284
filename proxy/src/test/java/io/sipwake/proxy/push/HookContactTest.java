package io.sipwake.proxy.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.sip.message.NameAddress;
import org.junit.jupiter.api.Test;

/** The contact a PBX hands the wake hook, in the forms PBXes really give it. */
class HookContactTest {
    private static final String AOR = "sip:1001@pbx.example.com";

    private static HookContact.Usable usable(String contact) {
        HookContact.Result r = HookContact.parse(contact, AOR);
        assertThat(r).as(contact).isInstanceOf(HookContact.Usable.class);
        HookContact.Usable u = (HookContact.Usable) r;
        // what is stored reads back the same way (the binding is parsed again for every push)
        PushParameterParser.Result again = PushParameterParser.parse(NameAddress.parse(u.contact()));
        assertThat(again).isInstanceOf(PushParameterParser.Push.class);
        assertThat(((PushParameterParser.Push) again).parameters().tokens()).isEqualTo(u.push().tokens());
        return u;
    }

    @Test
    void aNameAddrWithRfc8599ParametersIsStoredAsItIsWithoutItsExpiry() {
        HookContact.Usable u = usable(ClientContacts.LINPHONE_IOS_VOLTS + ";expires=3600");
        assertThat(u.push().provider()).isEqualTo("apns");
        assertThat(u.push().tokenFor(PushKind.CALL).orElseThrow().service()).isEqualTo(PushToken.Service.VOIP);
        assertThat(u.instanceId()).isEqualTo("urn:uuid:65f9b73f-d655-4dd3-8633-10d8122c5299");
        assertThat(u.contact()).doesNotContain("expires").contains("pn-prid=EFFDB4D8");
        assertThat(u.uriKey()).isEqualTo("sip:88881@192.0.2.10:50600;transport=tcp").doesNotContain("pn-");
    }

    @Test
    void aBareContactUriAsAsteriskPrintsItIsRead() {
        // PJSIP_CONTACT(...,uri): an addr-spec, its parameters after the URI
        HookContact.Usable u = usable("sip:1001@10.1.2.3:5060;pn-type=firebase;app-id=929724111839;pn-tok=f1EwemxKT-CA3J6IQ98pRT:APA91bGd");
        assertThat(u.push().provider()).isEqualTo("fcm");
        assertThat(u.push().dialect()).isEqualTo(PushDialect.LINPHONE_LEGACY);
        assertThat(u.push().tokens().get(0).token()).isEqualTo("f1EwemxKT-CA3J6IQ98pRT:APA91bGd");
    }

    @Test
    void modApnTokensAreRead() {
        HookContact.Usable u = usable("<sip:1001@10.1.2.3:5060;app-id=org.example.phone;pn-voip-tok=abcdef0123456789;pn-platform=iOS>");
        assertThat(u.push().dialect()).isEqualTo(PushDialect.MOD_APN);
        assertThat(u.push().apnsTopic(u.push().tokenFor(PushKind.CALL).orElseThrow())).isEqualTo("org.example.phone.voip");
    }

    @Test
    void theOldAsteriskRecipesXPushUriFragmentIsReadOnTheAor() {
        // what the recipe's regular expression kept of the location: not a SIP address at all
        HookContact.Usable u = usable("X-PUSH-URI=http://db3.notify.live.net/throttledthirdparty/01.00/AQEVPwmdC_zuSZiednVGrPo6AgAAAAADOwAAAAQUZm52");
        assertThat(u.push().provider()).isEqualTo("x-push-uri");
        assertThat(u.push().tokens().get(0).token()).isEqualTo("http://db3.notify.live.net/throttledthirdparty/01.00/AQEVPwmdC_zuSZiednVGrPo6AgAAAAADOwAAAAQUZm52");
        assertThat(u.contact()).startsWith("<" + AOR + ";x-push-uri=");
        assertThat(u.uriKey()).isEqualTo(AOR);
    }

    @Test
    void aWakeUpUrlWithAQueryStringSurvivesTheRoundTrip() {
        String url = "https://push.example.com/wake?device=a%2Fb&user=1001";
        HookContact.Usable u = usable("sip:1001@10.1.2.3:5060;x-push-uri=" + url);
        assertThat(u.push().tokens().get(0).token()).isEqualTo("https://push.example.com/wake?device=a/b&user=1001");
    }

    @Test
    void aContactWithoutPushParametersIsUnusable() {
        assertThat(HookContact.parse("<sip:1001@10.1.2.3:5060;transport=udp>", AOR))
                .isEqualTo(new HookContact.Unusable("the contact has no push parameters (pn-provider/pn-prid, pn-type/pn-tok, pn-voip-tok, X-PUSH-URI)"));
        assertThat(HookContact.parse("garbage", AOR)).isInstanceOf(HookContact.Unusable.class);
    }

    @Test
    void malformedPushParametersAreUnusableWithTheParsersReasonAndNoToken() {
        HookContact.Result r = HookContact.parse("<sip:1001@10.1.2.3;pn-tok=secret-token-1234567890>", AOR);
        assertThat(r).isInstanceOf(HookContact.Unusable.class);
        assertThat(((HookContact.Unusable) r).reason()).contains("pn-tok without pn-type").doesNotContain("secret-token");
        HookContact.Result query = HookContact.parse("<sip:1001@10.1.2.3;pn-provider=apns>", AOR);
        assertThat(((HookContact.Unusable) query).reason()).contains("query");
    }

    @Test
    void escapingKeepsExistingEscapesAndEscapesWhatAParameterCannotHold() {
        assertThat(HookContact.escape("http://h/p?a=b c%2F")).isEqualTo("http://h/p%3Fa%3Db%20c%2F");
    }
}
