package dev.watchpost.store;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretBoxTest {

    private final byte[] key = SecretBox.newKey();
    private final SecretBox box = SecretBox.of(key);

    @Test
    void sealsWithAFreshNonceAndOpensWhatItSealed() {
        String a = box.seal("alert_channel/ops", "{\"url\":\"https://hooks.example.com/x\"}");
        String b = box.seal("alert_channel/ops", "{\"url\":\"https://hooks.example.com/x\"}");
        assertThat(a).startsWith(SecretBox.PREFIX + box.keyId() + ":").doesNotContain("hooks.example.com");
        assertThat(a).as("equal secrets do not give equal ciphertexts").isNotEqualTo(b);
        assertThat(box.open("alert_channel/ops", a)).isEqualTo("{\"url\":\"https://hooks.example.com/x\"}");
        assertThat(SecretBox.sealedWith(a)).isEqualTo(box.keyId());
    }

    @Test
    void plainRowsFromBeforeSealingPassThrough() {
        assertThat(box.open("target/x", "{\"id\":\"x\"}")).isEqualTo("{\"id\":\"x\"}");
        assertThat(SecretBox.sealedWith("{\"id\":\"x\"}")).isNull();
    }

    @Test
    void aValueMovedToAnotherRowOrChangedDoesNotOpen() {
        String sealed = box.seal("alert_channel/a", "secret-a");
        assertThatThrownBy(() -> box.open("alert_channel/b", sealed))
                .isInstanceOf(StoreException.class).hasMessageContaining("alert_channel/b does not open");
        char[] c = sealed.toCharArray();
        c[c.length - 3] = c[c.length - 3] == 'A' ? 'B' : 'A';
        assertThatThrownBy(() -> box.open("alert_channel/a", new String(c))).isInstanceOf(StoreException.class);
    }

    @Test
    void anotherKeyNamesBothKeysAndNeverTheValue() {
        String sealed = box.seal("target/t", "ping-key-value");
        SecretBox other = SecretBox.of(SecretBox.newKey());
        assertThatThrownBy(() -> other.open("target/t", sealed))
                .hasMessageContaining("sealed with key " + box.keyId())
                .hasMessageContaining("the key in use is " + other.keyId())
                .hasMessageNotContaining("ping-key-value");
        assertThat(SecretBox.of(SecretBox.newKey(), key).open("target/t", sealed)).isEqualTo("ping-key-value");
    }

    @Test
    void digestsAreEqualForEqualSecretsUnderOneKeyAndHideThem() {
        assertThat(box.digest("k1")).isEqualTo(box.digest("k1")).isNotEqualTo(box.digest("k2")).doesNotContain("k1");
        assertThat(SecretBox.of(SecretBox.newKey()).digest("k1")).isNotEqualTo(box.digest("k1"));
        assertThat(box.toString()).doesNotContain(java.util.Base64.getEncoder().encodeToString(key));
    }
}
