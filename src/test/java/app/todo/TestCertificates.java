package app.todo;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority and a server certificate it signed, made fresh by
 * each test that needs TLS.
 *
 * @param ca the authority's certificate, what a client trusts
 * @param server the server's certificate
 * @param serverKey the server certificate's private key
 */
public record TestCertificates(X509Certificate ca, X509Certificate server, PrivateKey serverKey) {

	private static final AtomicLong serial = new AtomicLong(System.currentTimeMillis());

	/**
	 * A new authority and a server certificate for {@code localhost} and
	 * {@code 127.0.0.1}.
	 */
	public static TestCertificates create() {
		return create("localhost", "127.0.0.1");
	}

	/**
	 * A new authority and a server certificate for these host names and IP addresses
	 * only.
	 */
	public static TestCertificates create(String... names) {
		try {
			KeyPair caKeys = newKeyPair();
			X500Name caName = new X500Name("CN=Todo Test CA " + serial.incrementAndGet());
			X509v3CertificateBuilder caBuilder = builder(caName, caName, caKeys)
				.addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
				.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
			X509Certificate ca = sign(caBuilder, caKeys.getPrivate());
			KeyPair serverKeys = newKeyPair();
			X509v3CertificateBuilder serverBuilder = builder(caName, new X500Name("CN=" + names[0]), serverKeys)
				.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
				.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
				.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
				.addExtension(Extension.subjectAlternativeName, false,
						new GeneralNames(Arrays.stream(names)
							.map((name) -> new GeneralName(
									name.matches("[\\d.]+|.*:.*") ? GeneralName.iPAddress : GeneralName.dNSName, name))
							.toArray(GeneralName[]::new)));
			return new TestCertificates(ca, sign(serverBuilder, caKeys.getPrivate()), serverKeys.getPrivate());
		}
		catch (GeneralSecurityException | IOException | OperatorCreationException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static KeyPair newKeyPair() throws GeneralSecurityException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(new ECGenParameterSpec("secp256r1"));
		return generator.generateKeyPair();
	}

	private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
		Instant now = Instant.now();
		return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(serial.incrementAndGet()),
				Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
				keys.getPublic());
	}

	private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
			throws GeneralSecurityException, OperatorCreationException {
		return new JcaX509CertificateConverter()
			.getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
	}

	public String caPem() {
		return pem(this.ca);
	}

	public String serverCertificatePem() {
		return pem(this.server);
	}

	/** The server's key in PKCS #8, as {@code -----BEGIN PRIVATE KEY-----}. */
	public String serverKeyPem() {
		try {
			return pem(new JcaPKCS8Generator(this.serverKey, null).generate());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Writes {@code ca.crt}, {@code server.crt} and {@code server.key} (readable by the
	 * owner only, as PostgreSQL demands) into the folder.
	 */
	public void writeTo(Path directory) {
		try {
			Files.createDirectories(directory);
			Files.writeString(directory.resolve("ca.crt"), caPem());
			Files.writeString(directory.resolve("server.crt"), serverCertificatePem());
			Path key = directory.resolve("server.key");
			Files.writeString(key, serverKeyPem());
			Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A TLS context that trusts this authority only. */
	public SSLContext clientContext() {
		try {
			KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
			trusted.load(null, null);
			trusted.setCertificateEntry("ca", this.ca);
			TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trust.init(trusted);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, trust.getTrustManagers(), null);
			return context;
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String pem(Object object) {
		StringWriter text = new StringWriter();
		try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
			writer.writeObject(object);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return text.toString();
	}

}
