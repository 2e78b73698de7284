package io.sipwake.proxy.push;

/**
 * The client convention push parameters arrived in. Stored with the binding so that an operator
 * can see which clients use which form, and so that sipwake can tell apart the RFC 8599 forms
 * (whose {@code (pn-provider, pn-param, pn-prid)} triple is matched per §5.3) from the others.
 */
public enum PushDialect {
    /** RFC 8599 {@code pn-provider}, {@code pn-param}, {@code pn-prid} (including the provider typos {@code android}, {@code firebase}, {@code google}). */
    RFC8599,
    /** RFC 8599 with Linphone's APNs extensions: {@code apns.dev}, services {@code remote} / {@code voip&remote}, {@code pn-prid=<tok>:voip&<tok>:remote}. */
    LINPHONE_IOS_MULTI,
    /** Linphone before RFC 8599: {@code pn-type}, {@code app-id}, {@code pn-tok}. */
    LINPHONE_LEGACY,
    /** FreeSWITCH mod_apn style: {@code app-id}, {@code pn-voip-tok}, {@code pn-im-tok}, {@code pn-platform}. */
    MOD_APN,
    /** Zoiper for Windows Phone 8: {@code X-PUSH-URI=<url>}, a URL to POST to. */
    X_PUSH_URI;

    /** True for the dialects that carry an RFC 8599 {@code (pn-provider, pn-param, pn-prid)} triple. */
    public boolean isRfc8599Form() {
        return this == RFC8599 || this == LINPHONE_IOS_MULTI;
    }
}
