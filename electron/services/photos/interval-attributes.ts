/**
 * An interval's attributes in Imago's reply shape → ours. The comparisons an interval write needs
 * (conflicts, what to send back) are shared with the renderer: common/photos/attribute-versions.ts.
 */
import type { AttributeValues } from '../../../common/bridge/photo-contract';
import type { ImageryInterval } from '../imago/imago-client';

export { attributesToWrite, changedAttributes, conflictingAttributes, sameAttributes } from '../../../common/photos/attribute-versions';

/** `attributeDefinitions[{name, attributes}]` → `{definition: {attribute: value}}`, values as Imago sent them. */
export function attributesOf(imagery: Pick<ImageryInterval, 'attributeDefinitions'>): AttributeValues {
  const out: AttributeValues = {};
  for (const definition of imagery.attributeDefinitions) out[definition.name] = { ...out[definition.name], ...definition.attributes };
  return out;
}
