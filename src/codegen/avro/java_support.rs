//! The Java target's support files: `AccordSchemas`, which parses the contract's schemas once,
//! and the starter test that decodes a sample wire message and writes it back unchanged.

use apache_avro::Schema;

use super::java::{header, java_type, split};
use super::{Check, CheckValue, Loaded};
use crate::codegen::names::{pascal, quoted};
use crate::codegen::samples::Sample;

pub(super) fn schemas_holder(loaded: &Loaded, package: &str) -> String {
    let mut out = header(package);
    out.push_str(
        "/** The contract's schemas, parsed once: references first, then the schema. */\n\
         public final class AccordSchemas {\n  private static final java.util.Map<String, org.apache.avro.Schema> TYPES;\n\n  static {\n    org.apache.avro.Schema.Parser parser = new org.apache.avro.Schema.Parser();\n",
    );
    for text in &loaded.texts {
        out.push_str(&format!("    parser.parse({});\n", java_string(text)));
    }
    out.push_str(
        "    TYPES = parser.getTypes();\n  }\n\n  private AccordSchemas() {\n  }\n\n  /** Returns the named type `fullName` of the contract. */\n  public static org.apache.avro.Schema type(String fullName) {\n    org.apache.avro.Schema schema = TYPES.get(fullName);\n    if (schema == null) {\n      throw new IllegalArgumentException(\"no type \" + fullName + \" in the contract\");\n    }\n    return schema;\n  }\n}\n",
    );
    out
}

/// A Java string literal; long texts are split into concatenated pieces, as javac limits one
/// constant to 65535 bytes.
fn java_string(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let pieces: Vec<String> = chars
        .chunks(8000)
        .map(|chunk| quoted(&chunk.iter().collect::<String>()))
        .collect();
    if pieces.len() <= 1 {
        pieces
            .into_iter()
            .next()
            .unwrap_or_else(|| "\"\"".to_string())
    } else {
        format!(
            "new StringBuilder(){}.toString()",
            pieces
                .iter()
                .map(|p| format!(".append({p})"))
                .collect::<String>()
        )
    }
}

pub(super) fn starter_test(
    loaded: &Loaded,
    root: &str,
    sample: &Sample,
    check: Option<&Check>,
) -> String {
    let (package, class) = split(root);
    let mut out = header(package);
    let assertion = match check {
        Some(check) => {
            let mut accessor = pascal(&check.field);
            if matches!(accessor.as_str(), "Schema" | "Class" | "ClassSchema") {
                accessor.push('$');
            }
            let expected = match &check.value {
                CheckValue::Text(text) => {
                    let is_enum = matches!(&loaded.root, Schema::Record(r) if r.fields.iter().any(|f| f.name == check.field && matches!(loaded.resolve(&f.schema), Schema::Enum(_))));
                    if is_enum {
                        format!(
                            "{}.valueOf({})",
                            java_type(loaded, field_schema(loaded, &check.field), true),
                            quoted(text)
                        )
                    } else {
                        quoted(text)
                    }
                }
                CheckValue::Integer(n) => match field_schema(loaded, &check.field) {
                    Schema::Long => format!("{n}L"),
                    _ => n.to_string(),
                },
                CheckValue::Boolean(b) => b.to_string(),
            };
            format!(
                "    Object actual = decoded.get{accessor}();\n    if (!java.util.Objects.equals(actual, {expected})) {{\n      throw new AssertionError(\"{} is \" + actual);\n    }}\n",
                check.field
            )
        }
        None => "    java.util.Objects.requireNonNull(decoded);\n".to_string(),
    };
    out.push_str(&format!(
        "/** Starter test: decodes a sample wire message Accord generated for this contract. */\n\
         public class {class}SampleTest {{\n\
         \x20 private static final String WIRE = {};\n\n\
         \x20 public static void main(String[] args) throws Exception {{\n\
         \x20   byte[] wire = java.util.Base64.getDecoder().decode(WIRE);\n\
         \x20   if (wire[0] != 0) {{\n      throw new AssertionError(\"magic byte is \" + wire[0]);\n    }}\n\
         \x20   int schemaId = java.nio.ByteBuffer.wrap(wire, 1, 4).getInt();\n\
         \x20   org.apache.avro.io.Decoder decoder = org.apache.avro.io.DecoderFactory.get().binaryDecoder(wire, 5, wire.length - 5, null);\n\
         \x20   org.apache.avro.specific.SpecificDatumReader<{class}> reader = new org.apache.avro.specific.SpecificDatumReader<>({class}.SCHEMA$);\n\
         \x20   {class} decoded = reader.read(null, decoder);\n\
         {assertion}\
         \x20   java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();\n\
         \x20   org.apache.avro.io.BinaryEncoder encoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);\n\
         \x20   new org.apache.avro.specific.SpecificDatumWriter<{class}>({class}.SCHEMA$).write(decoded, encoder);\n\
         \x20   encoder.flush();\n\
         \x20   if (!java.util.Arrays.equals(out.toByteArray(), java.util.Arrays.copyOfRange(wire, 5, wire.length))) {{\n      throw new AssertionError(\"re-encoding the decoded value changed its bytes\");\n    }}\n\
         \x20   System.out.println(\"decoded {class} from schema \" + schemaId);\n\
         \x20 }}\n}}\n",
        quoted(&sample.wire_base64())
    ));
    out
}

fn field_schema<'a>(loaded: &'a Loaded, name: &str) -> &'a Schema {
    match &loaded.root {
        Schema::Record(r) => r
            .fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| loaded.resolve(&f.schema))
            .unwrap_or(&Schema::Null),
        _ => &Schema::Null,
    }
}
