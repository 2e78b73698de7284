package io.sipwake.sip.message;

/** One header line: its canonical name and its value as written (unfolded, trimmed). */
public record Header(String name, String value) {

    public boolean is(String otherName) {
        return name.equalsIgnoreCase(otherName);
    }

    @Override
    public String toString() {
        return name + ": " + value;
    }
}
