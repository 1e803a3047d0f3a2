// TConvView
