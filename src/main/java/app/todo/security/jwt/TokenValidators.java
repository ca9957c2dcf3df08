package app.todo.security.jwt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;

/** The claim checks every token source makes. */
public final class TokenValidators {

	/** The most the clocks of issuer and API may differ. */
	public static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(60);

	static final int MAX_SUBJECT_LENGTH = 255;

	private TokenValidators() {
	}

	/**
	 * {@code exp} required and {@code nbf} honoured, both within the clock skew;
	 * {@code sub} of 1 to 255 characters; issuer and audience when given.
	 */
	public static OAuth2TokenValidator<Jwt> standard(Duration clockSkew, @Nullable String issuer,
			@Nullable String audience) {
		JwtTimestampValidator timestamps = new JwtTimestampValidator(clockSkew);
		timestamps.setAllowEmptyExpiryClaim(false);
		List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
		validators.add(timestamps);
		validators.add(new JwtClaimValidator<String>(JwtClaimNames.SUB, TokenValidators::isValidSubject));
		if (issuer != null) {
			validators.add(new JwtIssuerValidator(issuer));
		}
		if (audience != null) {
			validators.add(new JwtAudienceValidator(audience));
		}
		return new DelegatingOAuth2TokenValidator<>(validators);
	}

	/**
	 * A subject the API can take as a user id: 1 to 255 characters, not blank, no NUL.
	 */
	static boolean isValidSubject(@Nullable String subject) {
		return subject != null && !subject.isBlank() && subject.length() <= MAX_SUBJECT_LENGTH
				&& subject.indexOf('\0') < 0;
	}

}
