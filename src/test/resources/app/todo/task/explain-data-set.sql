INSERT INTO tasks (user_id, title, description, completed, completed_at, priority, due_date, tags, created_at, updated_at)
SELECT 'explain-' || u,
  (ARRAY['Buy', 'Call', 'Write', 'Pay', 'Fix', 'Plan', 'Read', 'Book', 'Clean'])[1 + i % 9] || ' '
    || (ARRAY['milk', 'invoice', 'Café', 'report', 'car', 'trip', 'dentist', 'garden', 'Résumé', 'taxes', 'flat'])[1 + (i * 7 + u) % 11]
    || ' ' || i,
  CASE WHEN i % 3 = 0 THEN NULL
    ELSE (ARRAY['Remember the', 'Ask about', 'Check the', 'Send'])[1 + i % 4] || ' '
      || (ARRAY['budget', 'kitchen', 'meeting', 'travel', 'invoice', 'crème brûlée', 'naïve plan'])[1 + (i * 3 + u) % 7]
      || ' before week ' || i % 52 END,
  i % 4 = 0,
  CASE WHEN i % 4 = 0 THEN created END,
  (i * 5 + u) % 3,
  CASE WHEN i % 5 = 0 THEN NULL ELSE timestamptz '2026-06-01' + (i * 37 % 730) * interval '1 day' END,
  CASE (i + u) % 6 WHEN 0 THEN '{}'::text[] WHEN 1 THEN '{work}' WHEN 2 THEN '{home,errand}'
    WHEN 3 THEN '{work,urgent}' WHEN 4 THEN '{home}' ELSE '{errand,urgent,work}' END,
  created,
  created + (i % 10) * interval '1 hour'
FROM generate_series(1, :users) AS u, generate_series(1, :tasks) AS i,
  LATERAL (SELECT timestamptz '2026-01-01' + (u * :tasks + i) * interval '1 second' AS created) AS c;
