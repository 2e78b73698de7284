package io.sipwake.store;

import java.util.Objects;

/**
 * One registered contact of an address-of-record (RFC 3261 §10, RFC 5626). Immutable.
 *
 * <p>A binding is identified within its AOR by {@link #bindingKey()}: {@code "<+sip.instance>;reg-id=<n>"} when the
 * UA sent {@code +sip.instance} (RFC 5626), otherwise the Contact URI as registered.
 *
 * @param aor             canonical address-of-record, e.g. {@code "sip:alice@example.com"}
 * @param bindingKey      identity of the binding within the AOR
 * @param contact         the whole Contact header value as stored (name-addr with parameters)
 * @param instanceId      {@code +sip.instance} value without quotes or angle brackets, or {@code null}
 * @param regId           {@code reg-id}, or {@code null}
 * @param q               q-value in 0..1, or {@link #NO_Q} when the UA sent none
 * @param callId          Call-ID of the REGISTER that created or last refreshed the binding
 * @param cseq            CSeq number of that REGISTER
 * @param expiresAtMillis absolute expiry, epoch millis; the binding is expired when {@code expiresAtMillis <= now}
 * @param path            Path header values (RFC 3327), comma-joined in order, or {@code null}
 * @param flow            opaque flow token of the connection the REGISTER arrived on, or {@code null}
 * @param source          {@code "transport:ip:port"} the REGISTER came from, or {@code null}
 * @param userAgent       User-Agent header value, or {@code null}
 * @param updatedAtMillis when the binding was last written, epoch millis
 */
public record Binding(
    String aor,
    String bindingKey,
    String contact,
    String instanceId,
    Integer regId,
    float q,
    String callId,
    long cseq,
    long expiresAtMillis,
    String path,
    String flow,
    String source,
    String userAgent,
    long updatedAtMillis) {

  /** The {@link #q()} of a binding whose Contact carried no q parameter. */
  public static final float NO_Q = -1f;

  public Binding {
    Objects.requireNonNull(aor, "aor");
    Objects.requireNonNull(bindingKey, "bindingKey");
    Objects.requireNonNull(contact, "contact");
    Objects.requireNonNull(callId, "callId");
    if (aor.isEmpty() || bindingKey.isEmpty()) {
      throw new IllegalArgumentException("aor and bindingKey must not be empty");
    }
    // The negated form also rejects NaN.
    if (q != NO_Q && !(q >= 0f && q <= 1f)) {
      throw new IllegalArgumentException("q must be in 0..1 or " + NO_Q + ": " + q);
    }
    if (cseq < 0) {
      throw new IllegalArgumentException("cseq must not be negative: " + cseq);
    }
  }

  /** Whether this binding has expired at {@code nowMillis}. */
  public boolean isExpiredAt(long nowMillis) {
    return expiresAtMillis <= nowMillis;
  }
}
