package io.sipwake.proxy.push;

import io.sipwake.sip.message.NameAddress;
import io.sipwake.sip.message.SipUri;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A registered contact as a PBX hands it to the wake hook ({@code PJSIP_CONTACT(…,uri)}, a FreeSWITCH
 * {@code sofia_contact}, a string grepped from {@code location}), read for its push parameters in every dialect
 * {@link PushParameterParser} knows. Pure and thread-safe.
 *
 * <p>PBXes do not all hand over a well-formed Contact: the old Asterisk recipe stored only what its regular
 * expression matched ({@code X-PUSH-URI=http://…}), and a wake-up URL with a query string is not a valid SIP
 * parameter value. So when the string does not parse as a name-addr or addr-spec with push parameters, the push
 * parameters are picked out of it by name ({@code ;name=value} pairs, values up to the next {@code ;}, {@code >},
 * white space or comma) and read as if they were parameters of the AOR's URI.
 */
public final class HookContact {
    /** A push parameter and its value, quoted or not, anywhere in the string. */
    private static final Pattern LOOSE_PARAM = Pattern.compile(
            "(?i)(?:^|[;<\\s,?&])(pn-[a-z0-9-]+|app-id|x-push-uri)=(\"[^\"]*\"|[^;>\\s,\"]*)");

    /** The outcome of {@link #parse}. */
    public sealed interface Result permits Usable, Unusable {}

    /**
     * The contact pushes to a device.
     *
     * @param push       its push parameters
     * @param contact    the Contact to store in the binding (a name-addr {@link PushParameterParser} reads again)
     * @param uriKey     what identifies the device's binding besides its token: the contact URI without push
     *                   parameters, lower case; or the AOR when the contact was not a SIP URI
     * @param instanceId its {@code +sip.instance} (RFC 5626) without quotes or angle brackets, or null
     */
    public record Usable(PushParameters push, String contact, String uriKey, String instanceId) implements Result {}

    /** The contact has no push parameters, or malformed ones; {@code reason} says which (never a token). */
    public record Unusable(String reason) implements Result {}

    private HookContact() {
    }

    /**
     * Reads {@code contact} for the AOR {@code aor} (canonical, {@code sip:user@host}).
     *
     * @throws IllegalArgumentException when {@code aor} is not a SIP URI
     */
    public static Result parse(String contact, String aor) {
        SipUri aorUri = SipUri.parse(aor);
        String text = contact.strip();
        String strictProblem = null;
        try {
            NameAddress address = NameAddress.parse(text);
            PushParameterParser.Result r = PushParameterParser.parse(address);
            if (r instanceof PushParameterParser.Push push && address.uri() instanceof SipUri uri) {
                String instance = address.params().unquoted("+sip.instance");
                if (instance != null && instance.startsWith("<") && instance.endsWith(">")) {
                    instance = instance.substring(1, instance.length() - 1);
                }
                String stored = address.withParams(address.params().without("expires")).toString();
                return new Usable(push.parameters(), stored, PushParameters.stripFrom(uri).toString().toLowerCase(Locale.ROOT), instance);
            }
            if (r instanceof PushParameterParser.Invalid invalid) strictProblem = invalid.reason();
            if (r instanceof PushParameterParser.Query) strictProblem = "pn-provider without pn-prid (a query, RFC 8599 §4.1.5, names no device)";
        } catch (IllegalArgumentException e) {
            // not a name-addr: look for the parameters by name below
        }
        if (strictProblem != null) return new Unusable(strictProblem);
        StringBuilder uri = new StringBuilder(aorUri.toString());
        Matcher m = LOOSE_PARAM.matcher(text);
        int found = 0;
        while (m.find()) {
            String value = m.group(2);
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) value = value.substring(1, value.length() - 1);
            uri.append(';').append(m.group(1).toLowerCase(Locale.ROOT));
            if (!value.isEmpty()) uri.append('=').append(escape(value));
            found++;
        }
        if (found == 0) return new Unusable("the contact has no push parameters (pn-provider/pn-prid, pn-type/pn-tok, pn-voip-tok, X-PUSH-URI)");
        NameAddress synthetic;
        try {
            synthetic = NameAddress.parse("<" + uri + ">");
        } catch (IllegalArgumentException e) {
            return new Unusable("the contact's push parameters cannot be read: " + e.getMessage());
        }
        PushParameterParser.Result r = PushParameterParser.parse(synthetic);
        if (r instanceof PushParameterParser.Push push) {
            return new Usable(push.parameters(), synthetic.toString(), aorUri.toString().toLowerCase(Locale.ROOT), null);
        }
        if (r instanceof PushParameterParser.Invalid invalid) return new Unusable(invalid.reason());
        return new Unusable("the contact has no push token");
    }

    /**
     * {@code value} as a SIP URI parameter value (RFC 3261 §25.1 paramchar): unreserved characters and
     * {@code []/:&+$} stay, everything else is %-escaped, so a URL with a query string survives the round trip
     * through {@link PushParameterParser}, which unescapes URI parameter values. A {@code %} that already starts an
     * escape stays as it is.
     */
    static String escape(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int c = bytes[i] & 0xff;
            boolean escaped = c == '%' && i + 2 < bytes.length && Character.digit(bytes[i + 1], 16) >= 0 && Character.digit(bytes[i + 2], 16) >= 0;
            if (escaped || c < 128 && (Character.isLetterOrDigit(c) || "-_.!~*'()[]/:&+$".indexOf(c) >= 0)) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }
}
