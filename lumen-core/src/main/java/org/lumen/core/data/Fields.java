package org.lumen.core.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Typed access to JSON fields that records a fault, instead of throwing, when a field is missing or wrong. */
final class Fields {
    private final Faults faults;

    Fields(Faults faults) {
        this.faults = faults;
    }

    /** The place of element {@code index} of {@code array}, with its id when it has one: {@code images[3] (id 7)}. */
    static String where(String array, int index, JsonNode node) {
        JsonNode id = node.get("id");
        return array + "[" + index + "]" + (id != null && id.isValueNode() ? " (id " + id.asText() + ")" : "");
    }

    /** What is read from one element of an array: the element and where it is ({@link #where}). */
    interface Element {
        void read(JsonNode node, String where);
    }

    /** {@code element} for each element of array {@code name} ({@link #array}), in order. */
    void each(JsonNode parent, String name, boolean required, Element element) {
        List<JsonNode> nodes = array(parent, name, required);
        for (int index = 0; index < nodes.size(); index++) {
            element.read(nodes.get(index), where(name, index, nodes.get(index)));
        }
    }

    /** The elements of array {@code name}; empty (and a fault if {@code required}) when missing. */
    private List<JsonNode> array(JsonNode parent, String name, boolean required) {
        JsonNode node = parent.get(name);
        List<JsonNode> elements = new ArrayList<>();
        if (node == null || node.isNull()) {
            if (required) {
                faults.add("top level", "missing \"" + name + "\" array");
            }
        } else if (!node.isArray()) {
            faults.add(name, "expected an array, found " + node.getNodeType().toString().toLowerCase());
        } else {
            node.forEach(elements::add);
        }
        return elements;
    }

    /** A whole number; {@code null} after recording a fault. */
    Long integer(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isNumber() || value.asDouble() != Math.rint(value.asDouble())) {
            faults.add(where, describe(field, value, "a whole number"));
            return null;
        }
        return value.asLong();
    }

    /** A whole number {@code > 0}; {@code null} after recording a fault. */
    Long positive(JsonNode node, String field, String where) {
        Long value = integer(node, field, where);
        if (value != null && value <= 0) {
            faults.add(where, "non-positive " + field + " " + value);
            return null;
        }
        return value;
    }

    /** A string; {@code null} after recording a fault. */
    String text(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            faults.add(where, describe(field, value, "a string"));
            return null;
        }
        return value.asText();
    }

    /** The {@code bbox} as four numbers; {@code null} after recording a fault. */
    double[] box(JsonNode node, String where) {
        JsonNode value = node.get("bbox");
        if (value == null || !value.isArray() || value.size() != 4) {
            faults.add(where, describe("bbox", value, "[x, y, width, height]"));
            return null;
        }
        double[] box = new double[4];
        for (int k = 0; k < 4; k++) {
            if (!value.get(k).isNumber()) {
                faults.add(where, describe("bbox", value, "[x, y, width, height] of numbers"));
                return null;
            }
            box[k] = value.get(k).asDouble();
        }
        return box;
    }

    private static String describe(String field, JsonNode value, String expected) {
        return value == null ? "missing \"" + field + "\" (" + expected + ")"
                : "\"" + field + "\" should be " + expected + ", found " + value;
    }
}
