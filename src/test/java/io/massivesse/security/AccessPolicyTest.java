package io.massivesse.security;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Tokens as an issuer would sign them, checked by the real verifier: who may subscribe and who may publish. */
class AccessPolicyTest {

    private static final String ISSUER = "https://login.example.test";
    private static KeyPair issuerKeys;
    private static AccessPolicy policy;

    @BeforeAll
    static void configure() throws NoSuchAlgorithmException {
        issuerKeys = rsaKeys();
        TokenVerifier verifier = new TokenVerifier();
        verifier.publicKey = Optional.of("-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(issuerKeys.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        verifier.publicKeyLocation = Optional.empty();
        verifier.algorithm = "RS256";
        verifier.issuer = Optional.of(ISSUER);
        verifier.audiences = Optional.empty();
        verifier.clockSkewSeconds = 60;
        verifier.configure();
        SecurityMode jwt = new SecurityMode();
        jwt.mode = "jwt";
        policy = new AccessPolicy(jwt, verifier, "publisher");
    }

    private static KeyPair rsaKeys() throws NoSuchAlgorithmException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static JWTClaimsSet.Builder claims(String subject, String... groups) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(subject).issuer(ISSUER)
                .expirationTime(Date.from(Instant.now().plusSeconds(3600)));
        return groups.length == 0 ? claims : claims.claim("groups", List.of(groups));
    }

    private static String signed(JWTClaimsSet claims, RSAPrivateKey key) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String token(String subject, String... groups) {
        return signed(claims(subject, groups).build(), (RSAPrivateKey) issuerKeys.getPrivate());
    }

    private static Optional<AccessPolicy.Refusal> subscribe(String authorization, String queryToken, String userId) {
        return policy.subscriber(authorization, queryToken, userId, List.of());
    }

    @Test
    void aSubscriberMayReadItsOwnStreamWithTheTokenInTheHeaderOrTheQuery() {
        String alice = token("alice");
        assertThat(subscribe("Bearer " + alice, null, "alice")).isEmpty();
        assertThat(subscribe("bearer " + alice, null, "alice")).isEmpty();
        assertThat(subscribe(null, alice, "alice")).isEmpty();
    }

    @Test
    void anAcceptedTokenTellsItsCallerAndHowLongItIsValidAndARefusedOneTellsNothing() {
        Instant expires = Instant.ofEpochSecond(Instant.now().getEpochSecond() + 120);
        String alice = signed(new JWTClaimsSet.Builder().subject("alice").issuer(ISSUER)
                .expirationTime(Date.from(expires)).build(), (RSAPrivateKey) issuerKeys.getPrivate());
        List<TokenVerifier.Caller> accepted = new java.util.ArrayList<>();
        assertThat(policy.subscriber("Bearer " + alice, null, "alice", List.of(), accepted::add)).isEmpty();
        // exp plus the 60 s of clock skew the verifier tolerates.
        assertThat(accepted).singleElement().satisfies(caller -> {
            assertThat(caller.subject()).isEqualTo("alice");
            assertThat(caller.validUntil()).isEqualTo(expires.plusSeconds(60));
        });
        assertThat(policy.subscriber("Bearer " + alice, null, "bob", List.of(), accepted::add)).isPresent();
        assertThat(policy.publisher("Bearer " + alice, accepted::add)).isPresent();
        assertThat(accepted).hasSize(1);
        assertThat(policy.publisher("Bearer " + token("backend", "publisher"), accepted::add)).isEmpty();
        assertThat(accepted).last().extracting(TokenVerifier.Caller::subject).isEqualTo("backend");
    }

    @Test
    void aSubscriberMayNotReadAnotherUsersStream() {
        assertThat(subscribe("Bearer " + token("alice"), null, "bob"))
                .contains(new AccessPolicy.Refusal(403, "the token is for another user's stream", false));
    }

    @Test
    void noTokenIsA401ThatSaysWhereTheTokenGoes() {
        assertThat(subscribe(null, null, "alice")).get().satisfies(refusal -> {
            assertThat(refusal.status()).isEqualTo(401);
            assertThat(refusal.error()).contains("?access_token=");
            assertThat(refusal.invalidToken()).isFalse();
        });
        assertThat(subscribe("Basic YWxpY2U6eA==", "", "alice")).get().extracting(AccessPolicy.Refusal::status).isEqualTo(401);
        assertThat(policy.publisher(null)).get().extracting(AccessPolicy.Refusal::error)
                .isEqualTo("a bearer token is required (Authorization: Bearer <token>)");
    }

    @Test
    void anExpiredTokenIsRefused() {
        String expired = signed(claims("alice").expirationTime(Date.from(Instant.now().minusSeconds(3600))).build(),
                (RSAPrivateKey) issuerKeys.getPrivate());
        assertThat(subscribe("Bearer " + expired, null, "alice")).get().satisfies(refusal -> {
            assertThat(refusal.status()).isEqualTo(401);
            assertThat(refusal.invalidToken()).isTrue();
            assertThat(refusal.error()).containsIgnoringCase("expired");
        });
    }

    @Test
    void tokensSignedAnotherWayAreRefused() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims("alice").build());
        jwt.sign(new MACSigner(new byte[32]));
        String hmac = jwt.serialize();
        String unsigned = new PlainJWT(claims("alice").build()).serialize();
        String otherIssuerKey = signed(claims("alice").build(), (RSAPrivateKey) rsaKeys().getPrivate());
        for (String token : List.of(hmac, unsigned, otherIssuerKey, "not.a.jwt")) {
            assertThat(subscribe("Bearer " + token, null, "alice")).as(token).get().satisfies(refusal -> {
                assertThat(refusal.status()).isEqualTo(401);
                assertThat(refusal.invalidToken()).isTrue();
            });
        }
    }

    @Test
    void aTokenOfAnotherIssuerIsRefused() {
        String foreign = signed(claims("alice").issuer("https://elsewhere.test").build(), (RSAPrivateKey) issuerKeys.getPrivate());
        assertThat(subscribe("Bearer " + foreign, null, "alice")).get().extracting(AccessPolicy.Refusal::status).isEqualTo(401);
    }

    @Test
    void everyTopicAskedForMustBeAllowedByTheTopicsClaim() {
        String token = signed(claims("alice").claim("topics", List.of("orders/42", "tenants/acme/*")).build(),
                (RSAPrivateKey) issuerKeys.getPrivate());
        assertThat(policy.subscriber("Bearer " + token, null, "alice", List.of("orders/42", "tenants/acme/*", "tenants/acme/eu")))
                .isEmpty();
        assertThat(policy.subscriber("Bearer " + token, null, "alice", List.of("orders/42", "orders/43")))
                .contains(new AccessPolicy.Refusal(403, "the token does not allow topic 'orders/43' (claim 'topics')", false));
        assertThat(policy.subscriber("Bearer " + token, null, "alice", List.of("tenants/*"))).get()
                .extracting(AccessPolicy.Refusal::status).isEqualTo(403);
        // Without the claim a token allows the user's own stream, and no topic.
        assertThat(subscribe("Bearer " + token("alice"), null, "alice")).isEmpty();
        assertThat(policy.subscriber("Bearer " + token("alice"), null, "alice", List.of("orders/42"))).get()
                .extracting(AccessPolicy.Refusal::status).isEqualTo(403);
    }

    @Test
    void openModeChecksNothing() {
        SecurityMode open = new SecurityMode();
        open.mode = "open";
        AccessPolicy anyone = new AccessPolicy(open, null, "publisher");
        assertThat(anyone.subscriber(null, null, "alice", List.of())).isEmpty();
        assertThat(anyone.publisher("Bearer not.a.jwt")).isEmpty();
    }

    @Test
    void publishingNeedsThePublisherGroupInTheHeader() {
        assertThat(policy.publisher("Bearer " + token("backend", "publisher"))).isEmpty();
        assertThat(policy.publisher("Bearer " + token("backend", "reader")))
                .contains(new AccessPolicy.Refusal(403, "publishing needs a token with group 'publisher'", false));
        assertThat(policy.publisher("Bearer " + token("backend"))).get().extracting(AccessPolicy.Refusal::status).isEqualTo(403);
    }
}
