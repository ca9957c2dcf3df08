package app.todo.spa;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The reference single-page app at {@code /app/}.
 *
 * @param enabled {@code SPA_ENABLED}: serve it; off unless set, and on in the development
 * run ({@code ./mvnw spring-boot:run}, whose {@code dev} profile sets it). A value other
 * than {@code true} or {@code false} stops start-up with a report naming it.
 */
@ConfigurationProperties("todo.spa")
record SpaProperties(@DefaultValue("false") boolean enabled) {

}
