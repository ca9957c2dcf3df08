/**
 * Token checking, behind one entry point: the {@code ReactiveJwtDecoder} bean of
 * {@link app.todo.security.jwt.JwtConfiguration}, which the resource server of
 * {@code security/SecurityConfiguration} calls for every bearer token. Everything else
 * here is package-private, except {@link app.todo.security.jwt.BearerTokenSource} and
 * {@link app.todo.security.jwt.TokenValidators}, through which another feature (the API's
 * own accounts) adds a kind of token. The settings and all their rules are
 * {@link app.todo.security.jwt.AuthProperties}.
 * <p>
 * A token's way: {@code VerifiedTokenCache} (a token seen and verified before, until its
 * {@code exp}) → {@code AlgorithmRoutingJwtDecoder} (length, header tricks, and which
 * decoder owns it: a token never picks the key type it is checked with) → one decoder per
 * kind:
 * <table>
 * <caption>Each kind of token and the classes that check it</caption>
 * <tr>
 * <th>token</th>
 * <th>owned when</th>
 * <th>signature</th>
 * <th>claims</th>
 * </tr>
 * <tr>
 * <td>the API's own accounts (EdDSA)</td>
 * <td>its {@code kid} is the API's key</td>
 * <td>{@code account/AccountTokens}, a {@code BearerTokenSource}</td>
 * <td>{@code TokenValidators}</td>
 * </tr>
 * <tr>
 * <td>Better Auth {@code jwt()} plugin (EdDSA, ES*, RS*, PS*)</td>
 * <td>an asymmetric {@code alg}</td>
 * <td>{@code JwkSetClaimsVerifier} with the keys of {@code RemoteJwkSet}</td>
 * <td>{@code TokenValidators} (issuer, audience)</td>
 * </tr>
 * <tr>
 * <td>HS256 from the application's backend</td>
 * <td>{@code alg} HS256</td>
 * <td>Nimbus, with {@code BETTER_AUTH_SECRET} ({@code JwtConfiguration.hmacDecoder})</td>
 * <td>{@code TokenValidators}</td>
 * </tr>
 * <tr>
 * <td>Better Auth session cookie cache (HS256, no {@code sub})</td>
 * <td>{@code alg} HS256 with {@code BETTER_AUTH_COOKIE_CACHE}</td>
 * <td>the same as HS256</td>
 * <td>{@code CookieCacheClaims}, then {@code TokenValidators} without issuer or
 * audience</td>
 * </tr>
 * </table>
 * <p>
 * Why {@code RemoteJwkSet} and {@code JwkSetClaimsVerifier} exist, and what replaces
 * them: Spring Security's JWK-set decoder
 * ({@code NimbusReactiveJwtDecoder.withJwkSetUri}) takes its algorithms as
 * {@code SignatureAlgorithm}, which has no EdDSA, and its key selection matches no OKP
 * key, while Better Auth signs with Ed25519 by default. Once Spring Security verifies
 * Ed25519 itself (its EdDSA work starts with the encoder, spring-security#17098), the
 * decoder for Better Auth's tokens becomes {@code withJwkSetUri(uri)} with the algorithms
 * above and this package's {@code TokenValidators}; {@code JwkSetClaimsVerifier} goes,
 * and {@code RemoteJwkSet} shrinks to what the stock JWK source does not do: the fetch at
 * start-up that readiness waits for, the background refresh, the cool-down on unknown key
 * ids, and keeping the last good keys while the identity provider is down.
 */
package app.todo.security.jwt;
