/**
 * RFC 8599 push parameters: what phones send, normalised into one model.
 *
 * <ul>
 *   <li>{@link io.sipwake.proxy.push.PushParameterParser} reads a REGISTER Contact in every client
 *       dialect (RFC 8599, Linphone iOS, Linphone legacy, mod_apn, Zoiper's X-PUSH-URI) and says
 *       None, Query, Push or Invalid (with an exact reason); its class documentation has the
 *       dialect mapping table.</li>
 *   <li>{@link io.sipwake.proxy.push.PushParameters} is the normalised binding data, with the
 *       token choice per {@link io.sipwake.proxy.push.PushKind}, the §5.3 triple, and the §13
 *       stripping of push parameters from URIs and Contacts that leave sipwake.</li>
 *   <li>{@link io.sipwake.proxy.push.PushUriMatching}: the §5.3 URI comparison.</li>
 *   <li>{@link io.sipwake.proxy.push.FeatureCaps}: §5.4 / RFC 6809 Feature-Caps values.</li>
 * </ul>
 * Pure values and functions on the SIP message model; no I/O.
 */
package io.sipwake.proxy.push;
