export declare const VALUES_TYPES_FILE: string;
export declare function valuesTypes(): string;
