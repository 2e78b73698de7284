package io.sipwake.push;

/**
 * Why a push is sent. It decides the push type on each platform: only {@link #CALL} may become an
 * APNs VoIP push (iOS 13+ kills apps that get VoIP pushes for anything but a call they report to
 * CallKit); the rest are alert or background pushes.
 */
public enum PushKind {
    /** An incoming call (INVITE) is held until the phone re-registers: VoIP push on iOS, high-priority data on Android. */
    CALL,
    /** A MESSAGE or other standalone request is held: user-visible alert push. */
    MESSAGE,
    /** A call the phone was woken for ended before it answered (CANCEL, answered elsewhere). */
    CALL_CANCELLED,
    /** Tells the user about a call they missed. */
    MISSED_CALL,
    /** Asks the phone to refresh its registration (RFC 8599 §5.5); never a VoIP push. */
    REGISTRATION_REFRESH
}
