package io.sipwake.proxy.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipwake.push.PushKind;
import io.sipwake.push.PushRequest;
import io.sipwake.push.PushResult;
import io.sipwake.push.PushSender;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Replacing the senders (new credentials without a restart): pushes in flight finish on the old ones, which are then closed. */
class PushDispatcherTest {

    /** A sender whose pushes stay unanswered until the test answers them. */
    private static final class HeldSender implements PushSender {
        final String provider;
        final List<CompletableFuture<PushResult>> pending = new CopyOnWriteArrayList<>();
        volatile boolean closed;

        HeldSender(String provider) {
            this.provider = provider;
        }

        @Override
        public Set<String> providers() {
            return Set.of(provider);
        }

        @Override
        public CompletableFuture<PushResult> send(PushRequest request) {
            CompletableFuture<PushResult> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        }

        void answerAll() {
            for (CompletableFuture<PushResult> f : pending) f.complete(new PushResult.Accepted("id", 200));
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static PushRequest push(String provider) {
        return new PushRequest(provider, "param", "token", false, PushKind.CALL, Instant.now().plusSeconds(30), "call-id", "uuid",
                "sip:caller@example.com", "Caller", false, Instant.now(), "collapse");
    }

    @Test
    void aPushInFlightFinishesOnTheOldSenderWhichIsClosedAfterwards() {
        HeldSender old = new HeldSender("apns");
        HeldSender fresh = new HeldSender("apns");
        PushDispatcher dispatcher = new PushDispatcher(List.of(old));
        CompletableFuture<PushResult> inFlight = dispatcher.send(push("apns"));

        dispatcher.replace(List.of(fresh));
        dispatcher.send(push("apns"));

        assertThat(old.pending).as("the old sender keeps only the push it had").hasSize(1);
        assertThat(fresh.pending).as("new pushes go to the new sender").hasSize(1);
        assertThat(old.closed).as("not closed while its push is unanswered").isFalse();
        old.answerAll();
        assertThat(inFlight).isCompletedWithValueMatching(r -> r instanceof PushResult.Accepted);
        assertThat(old.closed).as("closed once drained").isTrue();
        assertThat(fresh.closed).isFalse();
    }

    @Test
    void anIdleOldSenderIsClosedAtOnce() {
        HeldSender old = new HeldSender("fcm");
        PushDispatcher dispatcher = new PushDispatcher(List.of(old));
        dispatcher.replace(List.of(new HeldSender("fcm")));
        assertThat(old.closed).isTrue();
    }

    @Test
    void newSendersForOtherProvidersAreRefusedAndTheOldOnesKeepSending() {
        HeldSender old = new HeldSender("apns");
        PushDispatcher dispatcher = new PushDispatcher(List.of(old));
        assertThatThrownBy(() -> dispatcher.replace(List.of(new HeldSender("fcm"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the new senders serve [fcm], the running ones [apns]");
        dispatcher.send(push("apns"));
        assertThat(old.pending).hasSize(1);
        assertThat(old.closed).isFalse();
    }
}
