/**
 * PDM's types, registered with the typed API (ApiRoot, RouteMap, propertyString) by
 * declaration merging: a program that imports this module has PDM typed, and one that does
 * not never reads PDM's declarations. Re-exports the generated parameter and result types.
 */
import type { Root } from '../../generated/pdm/tree.js';
import type { PropertyStrings, RouteKeys } from '../../generated/pdm/types.js';

export type * from '../../generated/pdm/types.js';

declare module '../api.js' {
  interface ServiceRoots {
    PDM: Root;
  }
}
declare module '../routes.js' {
  interface ServiceRoutes {
    PDM: RouteKeys;
  }
}
declare module '../property-strings.js' {
  interface ServicePropertyStrings {
    PDM: PropertyStrings;
  }
}
