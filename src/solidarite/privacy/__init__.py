"""The life cycle of personal data: the retention policy (catalog/retention.yaml), the last
activity of a person, legal holds, anonymisation and erasure, a person's export (right of access
and portability), and the public page of retention periods."""
