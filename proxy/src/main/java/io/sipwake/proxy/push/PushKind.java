package io.sipwake.proxy.push;

/** Why sipwake wakes a device; it chooses the token ({@link PushParameters#tokenFor(PushKind)}). */
public enum PushKind {
    /** An incoming call (INVITE): a VoIP push where the device has a VoIP token. */
    CALL,
    /** A message or other standalone request, or a missed-call alert: never a VoIP push. */
    MESSAGE,
    /** A binding refresh (RFC 8599 §5.5): a background push, never a VoIP push. */
    REFRESH
}
