package io.massivesse.security;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

/**
 * Checks bearer tokens as MicroProfile JWT defines them: signed by the issuer's key, not expired,
 * {@code sub} names the caller, {@code groups} lists its groups. Configured with MicroProfile JWT's
 * own property names ({@code mp.jwt.verify.*}). Verified here rather than by Liberty's mpJwt
 * feature because a browser's EventSource can only send its token as {@code ?access_token=}, which
 * that feature does not read.
 */
@ApplicationScoped
public class TokenVerifier {

    private static final Logger LOG = Logger.getLogger(TokenVerifier.class.getName());
    /** The claim listing the topics (names, or prefixes ending in /*) a subscriber may listen to. */
    public static final String TOPICS_CLAIM = "topics";

    /** A PEM public key or a JWKS, inline. */
    @Inject
    @ConfigProperty(name = "mp.jwt.verify.publickey")
    Optional<String> publicKey;

    /** A file path or an http(s) URL of a PEM public key or a JWKS (a URL is fetched and cached, so keys can rotate). */
    @Inject
    @ConfigProperty(name = "mp.jwt.verify.publickey.location")
    Optional<String> publicKeyLocation;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.publickey.algorithm")
    String algorithm;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.issuer")
    Optional<String> issuer;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.audiences")
    Optional<List<String>> audiences;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.clock.skew")
    int clockSkewSeconds;

    private DefaultJWTProcessor<SecurityContext> processor;
    private String unconfigured;

    /**
     * A token's caller: its subject, its groups, the topics it may listen to (claim {@code topics}), and the
     * last moment the token is accepted ({@code exp} plus the clock skew).
     */
    public record Caller(String subject, Set<String> groups, List<String> topics, Instant validUntil) {
    }

    /** Why a token was refused, in words fit for the client. */
    public static final class InvalidTokenException extends Exception {
        InvalidTokenException(String message) {
            super(message);
        }
    }

    @PostConstruct
    void configure() {
        try {
            JWKSource<SecurityContext> keys = keys();
            if (keys == null) {
                unconfigured = "the server has no key to check tokens with (set MP_JWT_VERIFY_PUBLICKEY_LOCATION)";
                LOG.severe("Security is on but no token key is configured: every token is refused. "
                        + "Set mp.jwt.verify.publickey.location (README, Security).");
                return;
            }
            DefaultJWTProcessor<SecurityContext> jwt = new DefaultJWTProcessor<>();
            jwt.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.parse(algorithm), keys));
            Set<String> audienceSet = audiences.filter(list -> !list.isEmpty()).map(HashSet::new).orElse(null);
            JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
            issuer.ifPresent(exact::issuer);
            DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                    audienceSet, exact.build(), Set.of("sub", "exp"), null);
            claims.setMaxClockSkew(clockSkewSeconds);
            jwt.setJWTClaimsSetVerifier(claims);
            processor = jwt;
        } catch (IOException | ParseException | JOSEException | InvalidKeySpecException | RuntimeException e) {
            unconfigured = "the server's token key could not be read";
            LOG.severe("Cannot read the token key (" + e + "): every token is refused");
        }
    }

    private JWKSource<SecurityContext> keys() throws IOException, ParseException, JOSEException, InvalidKeySpecException {
        if (publicKey.filter(k -> !k.isBlank()).isPresent()) {
            return parse(publicKey.get());
        }
        if (publicKeyLocation.filter(l -> !l.isBlank()).isEmpty()) {
            return null;
        }
        String location = publicKeyLocation.get().trim();
        if (location.startsWith("https://") || location.startsWith("http://")) {
            return JWKSourceBuilder.create(URI.create(location).toURL()).build();
        }
        return parse(Files.readString(Path.of(location.replaceFirst("^file:", "")), StandardCharsets.UTF_8));
    }

    private static JWKSource<SecurityContext> parse(String text) throws ParseException, JOSEException, InvalidKeySpecException {
        String trimmed = text.trim();
        if (trimmed.startsWith("{")) {
            return new ImmutableJWKSet<>(JWKSet.parse(trimmed));
        }
        byte[] der = Base64.getMimeDecoder().decode(trimmed.replaceAll("-----[A-Z ]+-----", ""));
        PublicKey key;
        try {
            key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (InvalidKeySpecException notRsa) {
            try {
                key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (key instanceof RSAPublicKey rsa) {
            return new ImmutableJWKSet<>(new JWKSet(new RSAKey.Builder(rsa).build()));
        }
        ECPublicKey ec = (ECPublicKey) key;
        return new ImmutableJWKSet<>(new JWKSet(new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).build()));
    }

    /** Verifies the token and returns its caller. */
    public Caller verify(String token) throws InvalidTokenException {
        if (processor == null) {
            throw new InvalidTokenException(unconfigured);
        }
        try {
            JWTClaimsSet claims = processor.process(token, null);
            List<String> groups = claims.getStringListClaim("groups");
            List<String> topics = claims.getStringListClaim(TOPICS_CLAIM);
            return new Caller(claims.getSubject(), groups == null ? Set.of() : Set.copyOf(groups),
                    topics == null ? List.of() : List.copyOf(topics),
                    claims.getExpirationTime().toInstant().plusSeconds(clockSkewSeconds));
        } catch (ParseException e) {
            throw new InvalidTokenException("the token is not a well-formed JWT");
        } catch (BadJOSEException e) {
            throw new InvalidTokenException("the token is not valid: " + e.getMessage());
        } catch (JOSEException e) {
            throw new InvalidTokenException("the token could not be checked");
        }
    }
}
