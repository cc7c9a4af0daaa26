"""Input limits (APL004). A hook sees whatever people commit; these keep one file from
taking the whole run down. Real policies and templates stay far below every one of them."""

MAX_FILE_BYTES = 20 * 1024 * 1024  # Terraform plans of large estates reach a few MiB
MAX_DEPTH = 100  # deepest real input seen: Terraform plans of nested modules, about 30
MAX_YAML_ALIASES = 1_000  # alias uses in one file
MAX_YAML_EXPANSION = 100_000  # nodes that alias uses would add when expanded
MAX_STRING_CHARS = 1_000_000  # one scalar; a policy string is at most 6,144 characters in IAM
# Statements in one document, and in all the policies of one principal together. The largest
# document AWS accepts (a 32 KB KMS key policy) holds about 650; the largest AWS managed policy 162.
# Some rules weigh each grant against every other statement, so this also bounds their work.
MAX_STATEMENTS = 1_000
MAX_FINDINGS_PER_FILE = 10_000  # then one APL004 says the rest are not reported (bounds memory)
MAX_EMBEDDED_DEPTH = 2  # a JSON string inside a JSON string inside the file, no further
# A resource pattern longer than this is no ARN (AWS caps ARNs at 2,048 characters): the catalog
# does not compare it with ARN formats (a comparison costs time in proportion to its length).
MAX_ARN_CHARS = 2_048
