package io.sipwake.proxy.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.proxy.auth.MutableClock;
import io.sipwake.proxy.location.LocationService;
import io.sipwake.push.PushKind;
import io.sipwake.push.PushRequest;
import io.sipwake.push.PushResult;
import io.sipwake.push.PushSender;
import io.sipwake.store.Binding;
import io.sipwake.store.InMemoryBindingStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RFC 8599 §5.5: periodic binding refresh by push. */
class RegistrationRefresherTest {
    private static final String AOR = "sip:alice@example.com";
    private static final String FCM = "<sip:alice@192.0.2.1:5060;pn-provider=fcm;pn-param=example-phone;pn-prid=fcm-token-1>";
    private static final String APNS = "<sip:alice@192.0.2.2:5060;pn-provider=apns;pn-param=ABCD1234.org.example.phone.voip;"
            + "pn-prid=00fc13adff785122b4ad28809a3420982341241421348097878e577c991de8f0>";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
    private final LocationService locations = new LocationService(new InMemoryBindingStore(clock), clock);
    private final RecordingSender fcm = new RecordingSender("fcm");
    private final RecordingSender apns = new RecordingSender("apns");
    private final PushDispatcher pushes = new PushDispatcher(List.of(fcm, apns));

    @AfterEach
    void close() {
        locations.close();
    }

    private RegistrationRefresher refresher(Duration retention) {
        return new RegistrationRefresher(locations, pushes, clock, Duration.ofSeconds(150), b -> b.expiresAtMillis() - retention.toMillis(),
                (aor, key) -> locations.update(aor, current -> current.stream().filter(b -> !b.bindingKey().equals(key)).toList()).join());
    }

    private void register(String contact, Duration expires, String bindingKey) {
        long now = clock.millis();
        Binding b = new Binding(AOR, bindingKey, contact, null, null, Binding.NO_Q, "call-" + now, 1, now + expires.toMillis(), null, null,
                null, null, now);
        locations.update(AOR, current -> {
            List<Binding> next = new java.util.ArrayList<>(current);
            next.removeIf(x -> x.bindingKey().equals(bindingKey));
            next.add(b);
            return next;
        }).join();
    }

    @Test
    void anFcmBindingNotRefreshedIsPushedOnceAtLeast120SecondsBeforeItExpires_RFC8599_5_5() {
        RegistrationRefresher refresher = refresher(Duration.ZERO);
        register(FCM, Duration.ofSeconds(600), "fcm");
        refresher.run();
        assertThat(fcm.sent).as("not due yet").isEmpty();

        clock.advance(Duration.ofSeconds(600 - 140));
        refresher.run();
        assertThat(fcm.sent).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(PushKind.REGISTRATION_REFRESH);
            assertThat(p.prid()).isEqualTo("fcm-token-1");
            assertThat(p.deadline()).as("useless once the binding expired").isEqualTo(Instant.parse("2026-11-26T10:10:00Z"));
        });
        refresher.run();
        assertThat(fcm.sent).as("one refresh push per registration").hasSize(1);

        register(FCM, Duration.ofSeconds(600), "fcm"); // the phone woke and registered again
        refresher.run();
        assertThat(fcm.sent).hasSize(1);
        clock.advance(Duration.ofSeconds(460));
        refresher.run();
        assertThat(fcm.sent).as("the new registration gets its own refresh push").hasSize(2);
    }

    @Test
    void anApnsBindingIsNeverRefreshPushed_becauseIosAllowsVoipPushesOnlyForCalls_RFC8599_4_1() {
        RegistrationRefresher refresher = refresher(Duration.ZERO);
        register(APNS, Duration.ofSeconds(600), "apns");
        clock.advance(Duration.ofSeconds(470));
        refresher.run();
        assertThat(apns.sent).isEmpty();
    }

    @Test
    void anExpiredRegistrationIsNeverPushedAgain_RFC8599_5_5() {
        RegistrationRefresher refresher = refresher(Duration.ofSeconds(3600)); // edge mode keeps the binding an hour longer
        register(FCM, Duration.ofSeconds(600 + 3600), "fcm");
        clock.advance(Duration.ofSeconds(601));
        refresher.run();
        assertThat(fcm.sent).as("the upstream registration expired: no push with that PRID").isEmpty();
    }

    @Test
    void aTokenTheProviderDeclaresDeadIsPruned() {
        fcm.answer = new PushResult.Rejected(404, "UNREGISTERED", true, false, null);
        RegistrationRefresher refresher = refresher(Duration.ZERO);
        register(FCM, Duration.ofSeconds(600), "fcm");
        clock.advance(Duration.ofSeconds(460));
        refresher.run();
        assertThat(fcm.sent).hasSize(1);
        assertThat(locations.lookup(AOR)).isEmpty();
    }

    @Test
    void aRegistrationShorterThanTheLeadIsNotPushedTheMomentItIsMade() {
        RegistrationRefresher refresher = refresher(Duration.ZERO);
        register(FCM, Duration.ofSeconds(140), "fcm");
        refresher.run();
        clock.advance(Duration.ofSeconds(100));
        refresher.run();
        assertThat(fcm.sent).isEmpty();
    }

    private static final class RecordingSender implements PushSender {
        final List<PushRequest> sent = new CopyOnWriteArrayList<>();
        final String provider;
        volatile PushResult answer = new PushResult.Accepted("id", 200);

        RecordingSender(String provider) {
            this.provider = provider;
        }

        @Override
        public Set<String> providers() {
            return Set.of(provider);
        }

        @Override
        public CompletableFuture<PushResult> send(PushRequest request) {
            sent.add(request);
            return CompletableFuture.completedFuture(answer);
        }

        @Override
        public void close() {}
    }
}
