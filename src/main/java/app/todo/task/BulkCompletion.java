package app.todo.task;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import tools.jackson.databind.JsonNode;

import app.todo.web.ValidationException;
import app.todo.web.ValidationException.FieldError;

/**
 * The body of {@code POST /api/tasks/complete}: {@code {"ids": [1, 2], "completed":
 * true}}, with {@code completed} true when absent. Repeated ids count once.
 */
record BulkCompletion(Set<Long> ids, boolean completed) {

	static final int MAX_IDS = 200;

	static BulkCompletion from(JsonNode body) {
		List<FieldError> errors = new ArrayList<>();
		Set<Long> ids = new LinkedHashSet<>();
		JsonNode idsNode = body.get("ids");
		if (idsNode == null || !idsNode.isArray() || idsNode.isEmpty() || idsNode.size() > MAX_IDS) {
			errors.add(new FieldError("ids", "must be an array of 1 to " + MAX_IDS + " task ids"));
		}
		else {
			for (JsonNode id : idsNode.values()) {
				if (!id.isIntegralNumber() || !id.canConvertToLong() || id.longValue() < 1) {
					errors.add(new FieldError("ids", "must contain only task ids (positive whole numbers)"));
					break;
				}
				ids.add(id.longValue());
			}
		}
		JsonNode completed = body.get("completed");
		if (completed != null && !completed.isBoolean()) {
			errors.add(new FieldError("completed", "must be true or false"));
		}
		if (!errors.isEmpty()) {
			throw new ValidationException(errors);
		}
		return new BulkCompletion(ids, completed == null || completed.booleanValue());
	}

}
