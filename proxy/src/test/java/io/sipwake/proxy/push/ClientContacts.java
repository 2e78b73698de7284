package io.sipwake.proxy.push;

/**
 * Contact header values sent by real clients, as captured or documented (see
 * ../shared/reference/client-formats.md and rfc8599.md). Where the source had a template
 * placeholder or an obvious documentation typo, the comment says what was substituted.
 */
final class ClientContacts {
    private ClientContacts() {}

    /** Linphone iOS (LinphoneSDK 5.2.45) from the VOLTS test scenario; SIPp's [local_ip]:[local_port] and [transport] filled in. */
    static final String LINPHONE_IOS_VOLTS = "\"VOLTS UAC TESTER\" <sip:88881@192.0.2.10:50600;"
            + "pn-prid=EFFDB4D8C32F845036CA3555003D44E98C82EA3F8437BD3499D14A17B039D5B6:voip&FC86D3D61AAFCC5D18AAC9D4CEDC6C70505080693FD21D0E62B5061FD4516ADE:remote;"
            + "pn-provider=apns;pn-param=ABCD1234.generic.linphone.voip&remote;pn-silent=1;pn-timeout=0;pn-msg-str=IM_MSG;"
            + "pn-call-str=IC_MSG;pn-groupchat-str=GC_MSG;pn-call-snd=notes_of_the_optimistic.caf;pn-msg-snd=msg.caf;transport=tcp>"
            + ";+sip.instance=\"<urn:uuid:65f9b73f-d655-4dd3-8633-10d8122c5299>\"";

    /** Linphone iOS (LinphoneSDK 4.4.0) debug build as shown by Asterisk's "Reg. Contact" (an addr-spec; put in angle brackets). */
    static final String LINPHONE_IOS_DEV_ASTERISK = "<sip:2030@192.168.10.246:57109;pn-provider=apns.dev;"
            + "pn-prid=9D0C98263E98EE1E282516D585C298BA3915398117C4C30CD3FD352BEEBB7581:remote&2CA57031CAA11360A09B9F37A13DE83CB337BF860352FSAFD7E9B444E5DB673B:voip;"
            + "pn-param=ABCD1234.org.linphone.linphone.remote&voip;pn-msg-str=IM_MSG;pn-call-str=IC_MSG;pn-groupchat-str=GC_MSG;"
            + "pn-call-snd=notes_of_the_optimistic.caf;pn-msg-snd=msg.caf;pn-timeout=0;pn-silent=1;transport=udp>";

    /** Linphone Android 5.0.7 / LinphoneSDK 5.2.27, Contact of its 200 OK to an INVITE (verbatim). */
    static final String LINPHONE_ANDROID = "<sip:Nokia@192.168.43.58;pn-prid=f1EwemxKT-CA3J6IQ98pRT:APA91bGdiWg1GEdylDdxDVHweLT7qgnMicOEGtuOrKbNLlfY7LxQ57Wk2j612UXSBBYK8QSCpvqnwu2qxBUkPjhFAI96inCzJwVnlYYqEKpSjltlOTDwa46fcf8lKwymrIWdyPQKUR02;"
            + "pn-provider=fcm;pn-param=929724111839;pn-silent=1;pn-timeout=0>;+org.linphone.specs=\"conference/1.0,ephemeral/1.1,groupchat/1.2,lime\"";

    static final String LINPHONE_ANDROID_TOKEN = "f1EwemxKT-CA3J6IQ98pRT:APA91bGdiWg1GEdylDdxDVHweLT7qgnMicOEGtuOrKbNLlfY7LxQ57Wk2j612UXSBBYK8QSCpvqnwu2qxBUkPjhFAI96inCzJwVnlYYqEKpSjltlOTDwa46fcf8lKwymrIWdyPQKUR02";

    /** The liblinphone tester's expected contact parameters, on a URI of our own. */
    static final String LIBLINPHONE_TESTER = "<sip:pauline@192.0.2.11;pn-provider=fcm;pn-param=test-app-id;pn-prid=test-push-token;pn-timeout=0;pn-silent=1>";

    /** OpenSIPS issue #2556, REGISTER from belle-sip 4.3.0, verbatim (the reporter masked values with *** and the uuid with …). */
    static final String OPENSIPS_ISSUE_2556 = "<sip:user1@192.168.31.223:59600;pn-provider=fcm;pn-param=***;pn-prid=***;transport=udp>;+sip.instance=\"<urn:uuid:…>\"";

    /** RFC 8599 Figure 2. */
    static final String RFC8599_FIGURE_2 = "<sip:alice@alicemobile.example.com;pn-provider=acme;pn-param=acme-param;pn-prid=ZTY4ZDJlMzODE1NmUgKi0K>";

    /** RFC 8599 Figure 3: with the +sip.pnsreg media feature tag. */
    static final String RFC8599_FIGURE_3 = "<sip:alice@alicemobile.example.com;pn-provider=acme;pn-param=acme-param;pn-prid=ZTY4ZDJlMzODE1NmUgKi0K>;+sip.pnsreg";

    /** RFC 8599 §10's APNs example values on Figure 2's URI. */
    static final String RFC8599_APNS = "<sip:alice@alicemobile.example.com;pn-provider=apns;pn-param=DEF123GHIJ.com.example.yourexampleapp.voip;pn-prid=00fc13adff78512>";

    /**
     * Kazoo pusher documentation's Linphone legacy sample: push parameters as Contact header
     * parameters. The doc has a space inside pn-tok ("...byten yhtevtrw"), which no SIP parser
     * accepts; it is removed here.
     */
    static final String KAZOO_LEGACY_HEADER_PARAMS = "<sip:user_1234567@192.168.1.1:61767;transport=TCP;ob>;reg-id=1;"
            + "+sip.instance=\"<urn:uuid:00000000-0000-0000-0000-00004e05965e>\";app-id=com.app.mymobileapp;"
            + "pn-tok=34fretrwgtrvtrebyenbytrwvtrebytenytbyrtebytebytebytenyhtevtrw;pn-type=apple";

    /** Flexisip's push-param.hh comment samples for Linphone legacy (its trailing ';' dropped), on URIs of our own. */
    static final String FLEXISIP_LEGACY_APPLE = "<sip:bob@192.0.2.12;app-id=a.bundle.id.prod;pn-type=apple;pn-tok=ATOKEN>";
    static final String FLEXISIP_LEGACY_GOOGLE = "<sip:bob@192.0.2.12;app-id=a.project.id;pn-type=google;pn-tok=ATOKEN>";

    /** FreeSWITCH mod_apn README (md-riaz fork): REGISTER from Carusto on iOS, verbatim. */
    static final String CARUSTO_MOD_APN = "<sip:101@192.168.31.100:64503;transport=TCP;app-id=com.carusto.mobile.app;"
            + "pn-voip-tok=39f161b205281f890715e625a7093d90af2fa281a7fcda82a7267f93d4b73df1;pn-platform=iOS;ob>;reg-id=1;"
            + "+sip.instance=\"<urn:uuid:00000000-0000-0000-0000-0000d2b7e3b3>\"";

    /** The same sample in the original sem32 README, before pn-platform existed (mod_apn was Apple-only). */
    static final String CARUSTO_MOD_APN_NO_PLATFORM = "<sip:101@192.168.31.100:64503;transport=TCP;app-id=com.carusto.mobile.app;"
            + "pn-voip-tok=39f161b205281f890715e625a7093d90af2fa281a7fcda82a7267f93d4b73df1;ob>;reg-id=1;"
            + "+sip.instance=\"<urn:uuid:00000000-0000-0000-0000-0000d2b7e3b3>\"";

    /** mod_apn README "How it works" template, verbatim. */
    static final String MOD_APN_TEMPLATE = "\"101\" <sip:101@192.168.31.100:56568;app-id=****;pn-voip-tok=XXXXXXXXX;pn-im-tok=XXXXXXXXXX;pn-platform=iOS>";

    static final String ZOIPER_PUSH_URL = "http://db3.notify.live.net/throttledthirdparty/01.00/AQEVPwmdC_zuSZiednVGrPo6AgAAAAADOwAAAAQUZm52OkE0QUNBREI0MTdBQzBCNjQFBlVTTkMwMQ";

    /**
     * The seed's Zoiper r21941 (Windows Phone 8) REGISTER. The blog's HTML rendering ate everything
     * in angle brackets ("Contact: X-PUSH-URI=http://...MwMQ>"); the trailing '>' shows the
     * parameter was the last one inside the Contact URI, on the Via's address.
     */
    static final String ZOIPER_SEED = "<sip:1001@10.8.3.36:52685;transport=UDP;X-PUSH-URI=" + ZOIPER_PUSH_URL + ">";

    /** The same URL %-escaped, as a Contact header parameter. */
    static final String ZOIPER_ESCAPED_HEADER_PARAM = "<sip:1001@10.8.3.36:52685;transport=UDP>;X-PUSH-URI="
            + ZOIPER_PUSH_URL.replace(":", "%3A").replace("/", "%2F");

    /**
     * baresip's pns module writes "pn-provider=%s;pn-prid=%s" and pn-param only when set (RFC 8599
     * §12: webpush has none), the UnifiedPush endpoint unescaped; URI of our own.
     */
    static final String BARESIP_WEBPUSH = "<sip:alice@192.0.2.20:5060;transport=tcp;pn-provider=webpush;pn-prid=https://ntfy.sh/upAbC123xyz>";

    /** A WebPush subscription URI with a query, %-escaped as RFC 8599 §8.7 requires. */
    static final String WEBPUSH_ESCAPED = "<sip:alice@192.0.2.20:5060;pn-provider=webpush;pn-prid=https%3A%2F%2Fpush.example.net%2Fsub%2FA1%3Fk%3Dv>";
}
