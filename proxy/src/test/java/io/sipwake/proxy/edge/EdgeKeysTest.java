package io.sipwake.proxy.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.sip.message.SipUri;
import io.sipwake.store.Binding;
import org.junit.jupiter.api.Test;

class EdgeKeysTest {
    private static final String AOR = "sip:alice@pbx.example.com";
    private static final String TOKEN = "00fc13adff785122b4ad28809a3420982341241421348097878e577c991de8f0";

    private static Binding binding(String contact, String instance, String bindingKey) {
        return new Binding(AOR, bindingKey, contact, instance, null, Binding.NO_Q, "c", 1, 0, null, null, null, null, 0);
    }

    @Test
    void aKeyNamesItsAorAndDeviceAndIsAValidSipUserPart() {
        Binding b = binding("<sip:alice@192.0.2.1:5060>", "urn:uuid:00000000-0000-1000-8000-000A95A0E128", "k");
        String key = EdgeKeys.keyOf(b);
        EdgeKeys.Key parsed = EdgeKeys.parse(key);
        assertThat(parsed.aor()).isEqualTo(AOR);
        assertThat(parsed.device()).isEqualTo(EdgeKeys.deviceOf(b));
        assertThat(SipUri.parse("sip:" + key + "@192.0.2.9:5060").user()).isEqualTo(key);
    }

    @Test
    void thePhonesNewAddressKeepsTheKey_soTheUpstreamRefreshesOneBindingInsteadOfAddingOne() {
        String pn = ";pn-provider=apns;pn-param=ABCD1234.org.example.phone.voip;pn-prid=" + TOKEN;
        Binding before = binding("<sip:alice@192.0.2.1:5060" + pn + ">", null, "sip:alice@192.0.2.1:5060");
        Binding after = binding("<sip:alice@198.51.100.7:40000;transport=tcp" + pn + ">", null, "sip:alice@198.51.100.7:40000;transport=tcp");
        assertThat(EdgeKeys.keyOf(after)).isEqualTo(EdgeKeys.keyOf(before));
    }

    @Test
    void theKeyRevealsNeitherTheTokenNorTheInstance_RFC8599_13() {
        Binding b = binding("<sip:alice@192.0.2.1:5060;pn-provider=fcm;pn-param=p;pn-prid=" + TOKEN + ">", null, "sip:alice@192.0.2.1:5060");
        assertThat(EdgeKeys.keyOf(b)).doesNotContain(TOKEN).doesNotContain("fcm");
    }

    @Test
    void userPartsThatAreNotOurKeysAreIgnored() {
        assertThat(EdgeKeys.parse("alice")).isNull();
        assertThat(EdgeKeys.parse(null)).isNull();
        assertThat(EdgeKeys.parse("sw-")).isNull();
        assertThat(EdgeKeys.parse("sw-%%%.abc")).isNull();
        assertThat(EdgeKeys.parse("sw-Ym9i.abc")).as("decodes to 'bob', which is no SIP AOR").isNull();
    }
}
