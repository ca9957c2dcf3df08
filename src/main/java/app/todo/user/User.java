package app.todo.user;

import org.jspecify.annotations.Nullable;

/**
 * A user as far as the API knows them: the id is the token's subject; email and name come
 * from the token or from the users row, when either has them.
 */
public record User(String id, @Nullable String email, @Nullable String name) {
}
