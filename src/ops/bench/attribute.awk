# Splits a CPU profile (async-profiler's collapsed stacks) by layer, so that the shares add up to
# 100%: a sample of a JIT compiler or GC thread goes to those; any other to the layer of its
# innermost frame that names one, and to Netty and the kernel when none does.
#   awk -f attribute.awk profile.collapsed
BEGIN {
	n = split("JIT compiler|GC|Spring Security|observations and tracing|metrics|logging and the access log|" \
		"rate limits|user profile filter|ETag|JSON|row decoding and mapping|R2DBC driver and pool|" \
		"WebFlux routing and handlers|Reactor|Netty and the kernel", names, "|")
	pattern["JIT compiler"] = "CompileBroker|C2Compiler|C1Compiler"
	pattern["GC"] = "G1|GCTask|GC_Thread|ConcurrentGCThread|WorkerThread::run"
	pattern["Spring Security"] = "org/springframework/security/"
	pattern["observations and tracing"] = "io/micrometer/observation|io/micrometer/tracing|brave/|ObservationSignalListener|app/todo/ops/TraceIdHeader"
	pattern["metrics"] = "io/micrometer/core|MetricsRecorder|MetricsHandler"
	pattern["logging and the access log"] = "ch/qos/logback|org/slf4j|org/apache/commons/logging|app/todo/ops/AccessLog"
	pattern["rate limits"] = "app/todo/ratelimit|io/github/bucket4j"
	pattern["user profile filter"] = "app/todo/user/UserProfileFilter"
	pattern["ETag"] = "app/todo/task/TaskETag"
	pattern["JSON"] = "tools/jackson|JacksonEncoder|JsonBodyReader"
	pattern["row decoding and mapping"] = "io/r2dbc/postgresql/codec|PostgresqlRow|app/todo/task/TaskRepository.task"
	pattern["R2DBC driver and pool"] = "io/r2dbc|reactor/pool|org/springframework/r2dbc"
	pattern["WebFlux routing and handlers"] = "org/springframework/web|org/springframework/http|app/todo/"
	pattern["Reactor"] = "reactor/core"
}
{
	count = $NF
	sub(/ [0-9]+$/, "")
	frames = split($0, frame, ";")
	layer = ""
	for (k = 1; k <= 2; k++)
		if ($0 ~ pattern[names[k]]) layer = names[k]
	for (i = frames; i > 0 && layer == ""; i--)
		for (k = 3; k < n; k++)
			if (frame[i] ~ pattern[names[k]]) { layer = names[k]; break }
	if (layer == "") layer = names[n]
	share[layer] += count
	total += count
}
END {
	for (k = 1; k <= n; k++)
		if (share[names[k]] > 0) printf "%s|%.1f\n", names[k], 100 * share[names[k]] / total
}
