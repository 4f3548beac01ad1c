package io.dialnet.cli;

import io.dialnet.nn.zoo.ModelZoo;
import java.util.Iterator;

/** Lets picocli list the zoo's names in help texts. */
final class ModelNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
        return ModelZoo.names().iterator();
    }
}
