package app.todo.database;

import java.sql.SQLException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Start-up migrates the schema first, so it is where an unreachable or misconfigured
 * database shows: say so in a line instead of a page of stack trace. The driver's message
 * names host, port and user, never the password.
 */
class DatabaseUnreachableFailureAnalyzer extends AbstractFailureAnalyzer<SQLException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, SQLException cause) {
		return new FailureAnalysis("The database could not be reached to migrate its schema: " + cause.getMessage(),
				"Check DATABASE_URL (host, port, database, user, password, sslmode) and that PostgreSQL accepts connections from this host.",
				cause);
	}

}
