// TConvScript
