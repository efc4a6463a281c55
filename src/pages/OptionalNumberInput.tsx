import React, { ChangeEvent, ComponentProps } from 'react';
import { Input } from '@grafana/ui';

type InputProps = Omit<ComponentProps<typeof Input>, 'type' | 'value' | 'onChange'>;

/**
 * A number field that may be left empty: it shows `value` (empty when undefined) and calls `onChange` with the number
 * typed, or undefined once the field is cleared (the engine's default then applies). Other props go to `Input`.
 */
export function OptionalNumberInput({
  value,
  onChange,
  ...input
}: InputProps & { value: number | undefined; onChange: (value: number | undefined) => void }) {
  return (
    <Input
      {...input}
      type="number"
      value={value ?? ''}
      onChange={(e: ChangeEvent<HTMLInputElement>) =>
        onChange(e.currentTarget.value === '' ? undefined : Number(e.currentTarget.value))
      }
    />
  );
}
